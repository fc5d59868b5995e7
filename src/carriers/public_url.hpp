#pragma once
// The URL a carrier requested, reconstructed for signature checks. Carriers sign the public URL
// they were configured with (e.g. https://voice.example.com/voice/twilio/incoming/pn_1), while the
// daemon behind a TLS-terminating proxy sees http://10.0.0.5:8080/...: the scheme and host must come
// from configuration or from a proxy we trust, never from an arbitrary client.
//
// Order: scheme and host from X-Forwarded-Proto / X-Forwarded-Host when the TCP peer is in
// `trusted_proxies` (first, client-most value of each), else from `public_url`, else "http" and the
// Host header. The path prefix of `public_url` (https://example.com/parley) is kept, and the request
// target (path and query exactly as received) is appended.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "net/cidr.hpp"
#include "net/http_message.hpp"

namespace parley::carriers {

// The WebSocket form of an http(s) URL (RFC 6455 s3): https -> wss, http -> ws; others unchanged.
std::string websocket_url(std::string_view http_url);

class PublicUrl {
 public:
  // `public_url`: empty or an absolute http(s) URL without query; errors name the setting.
  static core::Result<PublicUrl> make(const std::string& public_url, const std::vector<std::string>& trusted_proxies);

  std::string request_url(const net::HttpRequest& req) const;
  // scheme://host[/prefix] of the request as the carrier saw it (request_url without the target).
  std::string base(const net::HttpRequest& req) const;
  // The client's address: the TCP peer, or when that is a trusted proxy, the right-most
  // X-Forwarded-For entry that is not itself a trusted proxy.
  std::string client_address(const net::HttpRequest& req) const;
  // An absolute URL for one of our own paths ("/voice/twilio/status/pn_1"), for carrier configuration.
  // Empty when no public_url is configured.
  std::string absolute(std::string_view path) const;
  bool configured() const { return !host_.empty(); }

 private:
  std::string scheme_;  // "https"
  std::string host_;    // host[:port] as configured
  std::string prefix_;  // path prefix without trailing '/'
  net::CidrList trusted_;
};

}  // namespace parley::carriers
