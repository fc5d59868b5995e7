#include "call/sip_trace_recorder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/time.hpp"
#include "sip/message/parser.hpp"

namespace parley::call {
namespace {

using namespace std::chrono_literals;
constexpr auto kCallIdle = 2h;           // a Call-ID silent this long is forgotten (session refreshes are more frequent)
constexpr auto kSweepEvery = 1min;
constexpr std::size_t kMaxTrackedCalls = 100'000;

}  // namespace

void SipTraceRecorder::set_traced(const std::vector<TracedTrunk>& trunks) {
  traced_.clear();
  for (const auto& t : trunks) {
    auto list = net::CidrList::parse(t.allowed_ips);
    traced_.push_back(Traced{t.provider_id, t.addresses, list ? std::move(*list) : net::CidrList{}});
  }
  // Calls of trunks no longer traced stop being traced.
  std::erase_if(calls_, [&](const auto& entry) {
    return std::ranges::none_of(traced_, [&](const Traced& t) { return t.provider_id == entry.second.provider_id; });
  });
}

const std::string* SipTraceRecorder::provider_at(const boost::asio::ip::address& address) const {
  for (const auto& t : traced_) {
    if (std::ranges::find(t.addresses, address) != t.addresses.end()) return &t.provider_id;
  }
  std::string text;
  for (const auto& t : traced_) {
    if (t.allowlist.empty()) continue;
    if (text.empty()) text = address.to_string();
    if (t.allowlist.contains(text)) return &t.provider_id;
  }
  return nullptr;
}

const std::string* SipTraceRecorder::provider_by_contact(const sip::Message& request) const {
  if (!request.is_request()) return nullptr;
  auto provider_id = bindings_.provider_for(request.request_uri().user);
  if (!provider_id) return nullptr;
  for (const auto& t : traced_) {
    if (t.provider_id == *provider_id) return &t.provider_id;
  }
  return nullptr;
}

void SipTraceRecorder::on_message(sip::Direction direction, const sip::Peer& peer, std::string_view bytes) {
  if (traced_.empty()) return;
  const std::string* provider = provider_at(peer.address);
  // A request to one of our registration Contacts ("... sip:pb<token>@") may come from anywhere.
  const bool to_contact = !provider && direction == sip::Direction::in &&
                          bytes.substr(0, bytes.find('\n')).find("sip:pb") != std::string_view::npos;
  if (!provider && !to_contact && calls_.empty()) return;
  auto parsed = sip::parse_message(bytes, sip::Framing::datagram);
  if (!parsed) return;  // no Call-ID to file it under; the transport logs malformed input
  if (to_contact) provider = provider_by_contact(*parsed);
  const auto now = Clock::now();
  std::string call_id(parsed->call_id());
  if (provider) {
    if (auto it = calls_.find(call_id); it != calls_.end()) {
      it->second = TrackedCall{*provider, now};
    } else if (calls_.size() < kMaxTrackedCalls) {
      calls_.emplace(call_id, TrackedCall{*provider, now});
    }
  } else {
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return;
    it->second.last_seen = now;
    provider = &it->second.provider_id;
  }
  store::SipTrace trace;
  trace.provider_id = *provider;
  trace.call_id = std::move(call_id);
  trace.direction = direction == sip::Direction::in ? "in" : "out";
  trace.remote = sip::to_string(peer);
  trace.message = std::string(bytes);
  trace.created_at = core::to_unix_ms(core::now_utc());
  writer_->push(std::move(trace));
  if (now - last_sweep_ > kSweepEvery) forget_idle_calls(now);
}

void SipTraceRecorder::forget_idle_calls(Clock::time_point now) {
  last_sweep_ = now;
  std::erase_if(calls_, [&](const auto& entry) { return now - entry.second.last_seen > kCallIdle; });
}

}  // namespace parley::call
