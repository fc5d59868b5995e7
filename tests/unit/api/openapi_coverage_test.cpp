#include <gtest/gtest.h>

#include <filesystem>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/openapi_document.hpp"
#include "core/ids.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace parley;

namespace {
// "/voice/agents/{id}" and "/voice/agents/{agent_id}" name the same path: drop parameter names.
std::string shape(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    out.push_back(path[i]);
    if (path[i] == '{') {
      i = path.find('}', i) - 1;
    }
  }
  return out;
}
}  // namespace

// Every route the API serves is documented in docs/openapi.yaml with the same method.
TEST(OpenApi, DocumentsEveryServedRoute) {
  auto dir = std::filesystem::temp_directory_path() / ("parley_openapi_" + core::random_token(8));
  std::filesystem::create_directories(dir);
  {
    auto store = store::sqlite::SqliteStore::open((dir / "t.db").string());
    ASSERT_TRUE(store.has_value());
    core::Config config;
    core::SecretBox box(std::string(32, 'k'));
    api::Api api(api::ApiDeps{**store, config, box, [] { return true; }});
    auto doc = api::json::parse(api::openapi_json()).as_object();
    std::map<std::string, const api::json::object*> documented;
    for (const auto& kv : doc.at("paths").as_object()) documented[shape(kv.key())] = &kv.value().as_object();
    for (const auto& route : api.router().routes()) {
      std::string method = route.method;
      for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = documented.find(shape(route.pattern));
      EXPECT_TRUE(it != documented.end() && it->second->contains(method))
          << route.method << " " << route.pattern << " is not in docs/openapi.yaml";
    }
  }
  std::filesystem::remove_all(dir);
}
