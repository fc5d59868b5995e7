#!/usr/bin/env python3
"""Converts docs/openapi.yaml to a C++ source that returns it as compact JSON."""
import json
import sys

import yaml

src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    doc = yaml.safe_load(f)
if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3.1"):
    sys.exit(f"{src}: not an OpenAPI 3.1 document")
text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
with open(out, "w", encoding="utf-8") as f:
    f.write("// Generated from docs/openapi.yaml by scripts/openapi_to_cpp.py. Do not edit.\n")
    f.write('#include "api/openapi_document.hpp"\n\nnamespace parley::api {\n')
    f.write("std::string_view openapi_json() {\n  static constexpr char kDoc[] = {\n")
    data = text.encode("utf-8")
    for i in range(0, len(data), 24):
        f.write("    " + ",".join(str(b if b < 128 else b - 256) for b in data[i:i + 24]) + ",\n")
    f.write("  };\n  return std::string_view(kDoc, sizeof(kDoc));\n}\n}  // namespace parley::api\n")
