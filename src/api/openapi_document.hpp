#pragma once
// docs/openapi.yaml converted to JSON at build time (scripts/openapi_to_cpp.py).
#include <string_view>

namespace parley::api {
std::string_view openapi_json();
}
