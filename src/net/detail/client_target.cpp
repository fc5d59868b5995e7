#include "net/detail/client_target.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <map>
#include <mutex>

namespace parley::net::detail {
namespace ssl = boost::asio::ssl;

core::Result<ClientTarget> parse_client_target(std::string_view url, std::string_view plain, std::string_view secure) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return core::fail(core::Errc::invalid_argument, "not an absolute URL");
  ClientTarget t;
  if (u->scheme() == secure) {
    t.tls = true;
  } else if (u->scheme() != plain) {
    return core::fail(core::Errc::invalid_argument,
                      "URL scheme must be " + std::string(plain) + " or " + std::string(secure));
  }
  if (u->has_userinfo()) return core::fail(core::Errc::invalid_argument, "credentials in the URL are not supported");
  t.host = std::string(u->host_address());
  if (t.host.empty()) return core::fail(core::Errc::invalid_argument, "URL has no host");
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.host_header = std::string(u->encoded_host_and_port());
  t.path_and_query = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
  if (u->has_query()) t.path_and_query += "?" + std::string(u->encoded_query());
  return t;
}

TlsClientContext::TlsClientContext(bool verify_peer, const std::string& ca_file) : verify(verify_peer) {
  boost::system::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx.set_default_verify_paths(ec);
  if (ec) error = "cannot load the system CA store: " + ec.message();
  if (!ca_file.empty()) {
    ctx.load_verify_file(ca_file, ec);
    if (ec) error = "cannot load " + ca_file + ": " + ec.message();
  }
  ctx.set_verify_mode(verify ? ssl::verify_peer : ssl::verify_none);
}

std::shared_ptr<const TlsClientContext> shared_tls_context(bool verify_peer, const std::string& ca_file) {
  static std::mutex mu;
  static std::map<std::pair<bool, std::string>, std::shared_ptr<const TlsClientContext>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[{verify_peer, ca_file}];
  if (!slot) slot = std::make_shared<const TlsClientContext>(verify_peer, ca_file);
  return slot;
}

core::Status prepare_tls_connection(SSL* ssl, const std::string& host, bool verify) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  bool literal = !ec;
  if (!literal && !SSL_set_tlsext_host_name(ssl, host.c_str())) {
    return core::fail(core::Errc::unavailable, "cannot set TLS server name");
  }
  if (!verify) return {};
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  int ok = literal ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  if (ok != 1) return core::fail(core::Errc::unavailable, "cannot set the TLS certificate name check");
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return {};
}

}  // namespace parley::net::detail
