#pragma once
// What the HTTP and WebSocket clients share before a byte is sent: the parsed absolute URL and the TLS
// client set-up (trust store, SNI, certificate name check). Included only by the client translation units.
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace parley::net::detail {

struct ClientTarget {
  bool tls = false;
  std::string host;  // without IPv6 brackets
  std::string port;
  std::string host_header;     // host[:port] as in the URL
  std::string path_and_query;  // "/" when the URL has no path
};

// `plain` and `secure` are the accepted schemes ("http"/"https" or "ws"/"wss").
core::Result<ClientTarget> parse_client_target(std::string_view url, std::string_view plain, std::string_view secure);

// A TLS client context: system CA store plus an optional PEM file, TLS 1.2 or later, peer verification
// unless turned off (tests). `error` is set when the trust store could not be loaded.
struct TlsClientContext {
  mutable boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_client};  // streams take it non-const
  std::string error;
  bool verify = true;

  TlsClientContext(bool verify_peer, const std::string& ca_file);
};

// One context per (verify, ca_file) for the whole process: loading the CA store costs milliseconds,
// too much for every call's client, and an OpenSSL context is safe to share once configured.
std::shared_ptr<const TlsClientContext> shared_tls_context(bool verify_peer, const std::string& ca_file);

// Per connection, before the handshake: SNI for DNS names (RFC 6066 s3: never for address literals) and,
// when verifying, the certificate check against the host name or address (RFC 6125).
core::Status prepare_tls_connection(SSL* ssl, const std::string& host, bool verify);

}  // namespace parley::net::detail
