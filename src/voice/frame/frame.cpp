#include "voice/frame/frame.hpp"

namespace parley::voice {

namespace {
template <class... F>
struct Overload : F... {
  using F::operator()...;
};
}  // namespace

Lane Frame::lane() const noexcept {
  return std::visit(Overload{[](const Interrupt&) { return Lane::system; },
                             [](const SpeechStarted&) { return Lane::system; },
                             [](const Hangup& h) { return h.graceful ? Lane::data : Lane::system; },
                             [](const auto&) { return Lane::data; }},
                    payload);
}

bool Frame::interruptible() const noexcept { return is<AgentText>() || is<AgentAudio>(); }

const char* Frame::name() const noexcept {
  static constexpr const char* kNames[] = {"audio",      "speech_started", "speech_stopped", "transcript",
                                           "user_input", "agent_text",     "agent_audio",    "dtmf",
                                           "interrupt",  "hangup",         "transfer",       "tool_result"};
  static_assert(std::size(kNames) == std::variant_size_v<FramePayload>);
  return kNames[payload.index()];
}

}  // namespace parley::voice
