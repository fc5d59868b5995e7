#include "app/data_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/crypto.hpp"

namespace parley::app {
namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {
core::Result<std::string> from_hex(std::string_view hex) {
  if (hex.size() != 64) return fail(Errc::invalid_argument, "secret_key must be 64 hexadecimal characters", "secret_key");
  std::string out;
  for (std::size_t i = 0; i < 64; i += 2) {
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return fail(Errc::invalid_argument, "secret_key must be hexadecimal", "secret_key");
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}
}  // namespace

core::Status ensure_data_dir(const core::Config& config) {
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) return fail(Errc::io, "cannot create data directory " + config.data_dir + ": " + ec.message(), "data_dir");
  ::chmod(config.data_dir.c_str(), 0700);
  return {};
}

core::Result<std::string> load_secret_key(const core::Config& config) {
  if (!config.secret_key.empty()) return from_hex(config.secret_key);
  auto path = fs::path(config.data_dir) / "secret.key";
  if (fs::exists(path)) {
    std::ifstream in(path);
    std::string hex;
    std::getline(in, hex);
    auto key = from_hex(hex);
    if (!key) return fail(Errc::corrupt, path.string() + " is not a valid key file (64 hex characters)");
    return key;
  }
  std::string key = core::random_bytes(32);
  // O_EXCL: two processes starting at once must not each write a different key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_secret_key(config);
    return fail(Errc::io, "cannot create " + path.string());
  }
  std::string hex = core::to_hex(key) + "\n";
  bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail(Errc::io, "cannot write " + path.string());
  return key;
}

}  // namespace parley::app
