#include "sip/ua/options_probe.hpp"

#include <memory>

#include "core/ids.hpp"
#include "sip/dialog/dialog.hpp"

namespace parley::sip {
namespace {

// Owned by whatever may still report (the resolve callback, then the transaction's handler),
// never by the timer queue: the deadline holds it weakly, and nothing here touches the queue when
// a probe is destroyed, which may happen late at shutdown.
struct Probe {
  TimerQueue& timers;
  TimerQueue::Id deadline = 0;
  std::function<void(ProbeResult)> done;
  TimerQueue::Clock::time_point sent_at;
  ProbeResult result;

  // The first outcome wins; a later one (a response after the deadline) is ignored.
  void finish() {
    if (!done) return;
    timers.cancel(deadline);
    auto d = std::move(done);
    done = nullptr;
    d(std::move(result));
  }
};

std::string target_uri(const ProbeTarget& t) {
  std::string host = t.host;
  if (host.find(':') != std::string::npos && !host.starts_with('[')) host = "[" + host + "]";
  std::string uri = "sip:" + host;
  if (t.port) uri += ":" + std::to_string(*t.port);
  if (t.transport == Transport::tcp) uri += ";transport=tcp";
  if (t.transport == Transport::tls) uri += ";transport=tls";
  return uri;
}

}  // namespace

std::string_view to_string(ProbeResult::Outcome outcome) noexcept {
  switch (outcome) {
    case ProbeResult::Outcome::answered: return "answered";
    case ProbeResult::Outcome::timeout: return "timeout";
    case ProbeResult::Outcome::unreachable: return "unreachable";
    case ProbeResult::Outcome::unresolvable: return "unresolvable";
  }
  return "timeout";
}

void probe_options(TransactionLayer& layer, const ProbeTarget& target, std::string_view user_agent,
                   std::chrono::milliseconds deadline, std::function<void(ProbeResult)> done) {
  auto probe = std::make_shared<Probe>(Probe{layer.timers(), 0, std::move(done), {}, {}});
  probe->deadline = layer.timers().schedule(deadline, [weak = std::weak_ptr<Probe>(probe)] {
    auto p = weak.lock();
    if (!p) return;
    p->deadline = 0;
    p->result.outcome = ProbeResult::Outcome::timeout;
    p->finish();
  });
  const std::string uri = target_uri(target);
  const std::string agent(user_agent);
  layer.sender().resolve(target.host, target.port, target.transport, [&layer, probe, uri, agent](std::optional<Peer> peer) {
    if (!probe->done) return;
    if (!peer) {
      probe->result.outcome = ProbeResult::Outcome::unresolvable;
      return probe->finish();
    }
    probe->result.peer = *peer;
    const std::string from = "<sip:parley@" + layer.sender().sent_by(peer->transport) + ">;tag=" + new_tag();
    const std::string to = "<" + uri + ">";
    const std::string call_id = core::random_token(20) + "@parley";
    const HeaderList extra{{"Accept", "application/sdp"}};
    RequestSpec spec;
    spec.method = "OPTIONS";
    spec.request_uri = uri;
    spec.from = from;
    spec.to = to;
    spec.call_id = call_id;
    spec.transport = peer->transport;
    spec.user_agent = agent;
    spec.extra = &extra;
    auto request = own_message(build_request(spec, layer.sender()));
    if (!request) {  // a host the URI grammar refuses: nothing could be sent
      probe->result.outcome = ProbeResult::Outcome::unresolvable;
      return probe->finish();
    }
    probe->sent_at = layer.timers().now();
    // The handler keeps the probe until the transaction ends (at most 64*T1), answered or not.
    layer.send_request(*request, *peer, [probe, &layer](const Inbound& response) {
      auto p = probe;  // the transaction drops its handler when it terminates
      if (!p->done || response->message.status() < 200) return;
      if (response->local) {  // s17.1.4 transport failure (a local 408 cannot beat our deadline)
        p->result.outcome = response->message.status() == 503 ? ProbeResult::Outcome::unreachable
                                                               : ProbeResult::Outcome::timeout;
      } else {
        p->result.outcome = ProbeResult::Outcome::answered;
        p->result.status = response->message.status();
        p->result.reason = std::string(response->message.reason());
        p->result.rtt = std::chrono::duration_cast<std::chrono::microseconds>(layer.timers().now() - p->sent_at);
      }
      p->finish();
    });
  });
}

}  // namespace parley::sip
