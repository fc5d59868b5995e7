#pragma once
// WebhookSender over net::HttpClient with the SSRF guard (net::resolve_checked). Plain http://
// targets are connected to the checked address itself (Host header kept), so a DNS answer that
// changes between the check and the connection cannot redirect the request.
#include "core/config.hpp"
#include "jobs/webhook_dispatcher.hpp"
#include "net/http_client.hpp"

namespace parley::jobs {

class HttpWebhookSender final : public WebhookSender {
 public:
  HttpWebhookSender(net::HttpClient& client, core::WebhookSettings settings) : client_(client), settings_(settings) {}
  WebhookResult send(const WebhookRequest& request) override;

 private:
  net::HttpClient& client_;
  core::WebhookSettings settings_;
};

}  // namespace parley::jobs
