#pragma once
// Reads byte-exact golden messages from tests/golden/sip.
#include <fstream>
#include <iterator>
#include <string>

namespace parley::sip::test {

inline std::string golden(const std::string& relative) {
  std::ifstream in(std::string(PARLEY_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace parley::sip::test
