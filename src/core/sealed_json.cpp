#include "core/sealed_json.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace parley::core {
namespace json = boost::json;

Result<json::object> open_sealed_json(const SecretBox& box, std::string_view sealed) {
  if (sealed.empty()) return json::object{};
  auto plain = box.open(sealed);
  if (!plain) return std::unexpected(plain.error());
  boost::system::error_code ec;
  auto v = json::parse(*plain, ec);
  if (ec || !v.is_object()) return fail(Errc::corrupt, "sealed secrets are not a JSON object");
  return std::move(v.get_object());
}

std::string seal_json(const SecretBox& box, const json::object& secrets) {
  return secrets.empty() ? std::string() : box.seal(json::serialize(secrets));
}

std::optional<std::string> sealed_string(const SecretBox& box, std::string_view sealed, std::string_view key) {
  auto secrets = open_sealed_json(box, sealed);
  if (!secrets) {
    spdlog::error("event=secrets.unreadable error=\"{}\"", secrets.error().message);
    return std::nullopt;
  }
  auto* v = secrets->if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace parley::core
