#pragma once
// multipart/form-data request bodies (RFC 7578), e.g. an audio file upload with its form fields.
#include <string>
#include <string_view>
#include <vector>

namespace parley::net {

class MultipartForm {
 public:
  void add_field(std::string name, std::string value);
  void add_file(std::string name, std::string filename, std::string content_type, std::string bytes);

  // The body and its Content-Type header value ("multipart/form-data; boundary=..."). The boundary is
  // random and checked against every part's content (RFC 2046 s5.1.1: it must not occur in it).
  struct Encoded {
    std::string content_type;
    std::string body;
  };
  Encoded encode() const;

 private:
  struct Part {
    std::string name;
    std::string filename;  // empty: a plain field
    std::string content_type;
    std::string bytes;
  };
  std::vector<Part> parts_;
};

}  // namespace parley::net
