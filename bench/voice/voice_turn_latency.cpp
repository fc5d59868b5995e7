// voice_turn_latency: per-turn latency inside one Conversation with the embedded engines, at real
// time (one 20 ms frame every 20 ms), for each endpointing setting: the caller (flite kal16) says an
// IVR phrase, the rules agent answers (flite slt), the caller waits for the answer to end, N turns.
// Reports p50/p95 of the split the ConversationObserver gets: endpointing (speech end -> end of
// turn), STT final, agent, TTS first audio, and their total (speech end -> first agent audio
// queued for media). The SIP/RTP transport part is measured by the call layer's benchmark.
//   voice_turn_latency [turns=50]
#include <boost/asio/executor_work_guard.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>

#include "call_side.hpp"
#include "ivr_test_set.hpp"
#include "net/http_client.hpp"
#include "voice/conversation/conversation.hpp"
#include "voice/tts/flite_synth.hpp"

using namespace parley;
using namespace parley::voice;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

struct Result {
  std::vector<double> endpointing, stt, agent, tts, total;
  int turns = 0, answered = 0;
};

Result run(int turns, int endpoint_ms, int early_ms) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  core::WorkerPool pool(2, 1024);
  net::HttpClient http(io);
  EngineRegistry reg;
  register_embedded_engines(reg);
  test::CallSide call;
  auto spec = *parse_agent_spec(bench::kIvrAgent);
  spec.turn.endpoint_silence_ms = endpoint_ms;
  spec.turn.early_endpoint_ms = early_ms;
  spec.turn.silence_timeout_ms = 60000;
  CallInfo info;
  info.call_id = "call_bench";
  auto conv = *Conversation::create(ConversationDeps{io, pool, http, reg, call, call}, spec, info);
  conv->start();

  std::vector<std::vector<std::int16_t>> phrases;
  for (const auto& u : bench::kUtterances) {
    if (u.intent == "fallback" || u.intent == "goodbye" || u.intent == "agent") continue;  // keep the call going
    phrases.push_back(*flite_synthesize("kal16", u.text));
  }
  auto next = std::chrono::steady_clock::now();
  std::uint64_t frame_no = 0;
  const std::vector<std::int16_t> quiet(320, 0);
  auto tick = [&](std::span<const std::int16_t> f) {
    next += std::chrono::milliseconds(20);
    conv->on_audio(f, frame_no++);
    call.tick();
    io.poll();
    while (std::chrono::steady_clock::now() < next) io.run_until(next);
  };
  auto wait_idle = [&](int max_frames) {
    for (int i = 0; i < max_frames && !(call.queued() == 0 && call.frames_with_audio.size() > 0 &&
                                        call.frames_with_audio.back() + 10 < call.frame);
         ++i) {
      tick(quiet);
    }
  };
  wait_idle(1000);  // (the agent has no greeting: this is a second of silence)
  Result r;
  for (int t = 0; t < turns; ++t) {
    const auto& pcm = phrases[static_cast<std::size_t>(t) % phrases.size()];
    std::size_t before = call.latencies.size();
    for (std::size_t i = 0; i + 320 <= pcm.size(); i += 320) tick(std::span(pcm).subspan(i, 320));
    for (int i = 0; i < 150 && call.latencies.size() == before; ++i) tick(quiet);
    ++r.turns;
    if (call.latencies.size() > before) {
      const auto& l = call.latencies.back();
      r.endpointing.push_back(l.endpointing.count());
      r.stt.push_back(l.stt_final.count());
      r.agent.push_back(l.agent.count());
      r.tts.push_back(l.tts_first_audio.count());
      r.total.push_back(l.total().count());
      ++r.answered;
    }
    wait_idle(500);
    for (int i = 0; i < 10; ++i) tick(quiet);
  }
  conv->stop();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int turns = argc > 1 ? std::atoi(argv[1]) : 50;
  std::cout << "| endpoint / early endpoint (ms) | turns answered | endpointing p50 / p95 | STT final p50 / p95 | agent p50 / p95 | "
               "TTS first audio p50 / p95 | speech end -> first audio p50 / p95 |\n|---|---|---|---|---|---|---|\n";
  for (auto [endpoint, early] : {std::pair{600, 240}, std::pair{400, 200}, std::pair{800, 800}}) {
    Result r = run(turns, endpoint, early);
    auto pp = [](const std::vector<double>& v) {
      char b[64];
      std::snprintf(b, sizeof b, "%.0f / %.0f", pct(v, 0.5), pct(v, 0.95));
      return std::string(b);
    };
    std::cout << "| " << endpoint << " / " << early << " | " << r.answered << " of " << r.turns << " | " << pp(r.endpointing)
              << " | " << pp(r.stt) << " | " << pp(r.agent) << " | " << pp(r.tts) << " | " << pp(r.total) << " |\n"
              << std::flush;
  }
  return 0;
}
