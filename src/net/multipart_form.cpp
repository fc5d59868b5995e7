#include "net/multipart_form.hpp"

#include "core/ids.hpp"

namespace parley::net {
namespace {

// RFC 7578 s4.2 leaves the escaping of names to HTML's rule: ", CR and LF become %22, %0D, %0A.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += "%22";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

void MultipartForm::add_field(std::string name, std::string value) {
  parts_.push_back({std::move(name), {}, {}, std::move(value)});
}

void MultipartForm::add_file(std::string name, std::string filename, std::string content_type, std::string bytes) {
  parts_.push_back({std::move(name), std::move(filename), std::move(content_type), std::move(bytes)});
}

MultipartForm::Encoded MultipartForm::encode() const {
  std::string boundary;
  bool clash = true;
  while (clash) {
    boundary = "parley-" + core::random_token(32);
    clash = false;
    for (const auto& p : parts_) clash = clash || p.bytes.find(boundary) != std::string::npos;
  }
  std::string body;
  std::size_t size = 0;
  for (const auto& p : parts_) size += p.bytes.size() + p.name.size() + p.filename.size() + 160;
  body.reserve(size);
  for (const auto& p : parts_) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=" + quoted(p.name);
    if (!p.filename.empty()) body += "; filename=" + quoted(p.filename);
    body += "\r\n";
    if (!p.filename.empty()) {
      body += "Content-Type: " + (p.content_type.empty() ? std::string("application/octet-stream") : p.content_type);
      body += "\r\n";
    }
    body += "\r\n";
    body += p.bytes;
    body += "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, std::move(body)};
}

}  // namespace parley::net
