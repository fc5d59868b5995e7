#include "jobs/http_webhook_sender.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "net/address_policy.hpp"

namespace parley::jobs {

WebhookResult HttpWebhookSender::send(const WebhookRequest& request) {
  auto url = boost::urls::parse_absolute_uri(request.url);
  if (!url || url->host().empty()) return {std::nullopt, "invalid webhook URL"};
  std::string host(url->host());
  auto addresses = net::resolve_checked(host, settings_.allow_private_targets);
  if (!addresses) return {std::nullopt, addresses.error().message};

  net::HttpClientRequest out;
  out.method = "POST";
  out.url = request.url;
  out.headers = request.headers;
  out.body = request.body;
  out.timeout = request.timeout;
  out.connect_timeout = std::min(request.timeout, std::chrono::milliseconds(5000));
  if (url->scheme() == "http") {
    boost::urls::url pinned(*url);
    const auto& a = addresses->front();
    pinned.set_encoded_host(a.is_v6() ? "[" + a.to_string() + "]" : a.to_string());
    out.url = std::string(pinned.buffer());
    out.headers.emplace_back("Host", std::string(url->encoded_host_and_port()));
  }
  auto res = client_.send(std::move(out));
  if (!res) return {std::nullopt, res.error().message};
  return {res->status, {}};
}

}  // namespace parley::jobs
