#include <gtest/gtest.h>

#include "net/multipart_form.hpp"

using namespace parley;

TEST(MultipartForm, EncodesFieldsAndFilesPerRfc7578) {
  net::MultipartForm form;
  form.add_file("file", "turn.wav", "audio/wav", std::string("RIFF\0\0", 6));
  form.add_field("model", "whisper-1");
  auto enc = form.encode();
  const std::string prefix = "multipart/form-data; boundary=";
  ASSERT_TRUE(enc.content_type.starts_with(prefix));
  auto b = enc.content_type.substr(prefix.size());
  EXPECT_GE(b.size(), 30u);
  std::string expected = "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"turn.wav\"\r\n" +
                         "Content-Type: audio/wav\r\n\r\n" + std::string("RIFF\0\0", 6) + "\r\n--" + b +
                         "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--" + b + "--\r\n";
  EXPECT_EQ(enc.body, expected);
}

TEST(MultipartForm, EscapesQuotesAndLineBreaksInNames) {
  net::MultipartForm form;
  form.add_file("f\"x", "a\r\nb.wav", "", "data");
  auto enc = form.encode();
  EXPECT_NE(enc.body.find("name=\"f%22x\"; filename=\"a%0D%0Ab.wav\""), std::string::npos);
  EXPECT_NE(enc.body.find("Content-Type: application/octet-stream"), std::string::npos);
}

TEST(MultipartForm, BoundaryIsFreshEachTime) {
  net::MultipartForm form;
  form.add_field("a", "1");
  EXPECT_NE(form.encode().content_type, form.encode().content_type);
}
