#include "voice/agent/agent_processor.hpp"

#include <algorithm>

namespace parley::voice {

void AgentProcessor::begin_reply(std::uint32_t turn) {
  if (generating_ && session_) session_->cancel();
  generating_.reset();
  state_.replying = true;
  state_.agent_turn = turn;
}

void AgentProcessor::say(std::uint32_t turn, std::string text, std::optional<Frame> then) {
  begin_reply(turn);
  push(AgentText{turn, std::move(text), false});
  if (then) push(std::move(*then));
  push(AgentText{turn, {}, true});
}

void AgentProcessor::process(Frame frame, Direction dir) {
  if (dir == Direction::downstream) {
    if (auto* in = frame.get_if<UserInput>()) {
      state_.turns_in_flight = std::max(0, state_.turns_in_flight - 1);
      hooks_.on_input(*in);
      if (in->source == UserInput::Source::speech && in->text.empty()) {
        say(in->turn, not_understood_);
        return;
      }
      begin_reply(in->turn);
      generating_ = in->turn;
      AgentInput input{in->turn, in->source == UserInput::Source::dtmf ? AgentInput::Source::dtmf : AgentInput::Source::speech,
                       in->text, in->confidence};
      if (session_) session_->respond(input);
      return;
    }
  }
  if (frame.is<Interrupt>()) {
    if (generating_ && session_) session_->cancel();
    generating_.reset();
  }
  push(std::move(frame), dir);
}

void AgentProcessor::on_agent_text(std::uint32_t turn, std::string_view chunk) {
  if (generating_ != turn || chunk.empty()) return;
  if (auto t = state_.timings.find(turn); t != state_.timings.end() && t->second.first_text_at == SteadyTime{}) {
    t->second.first_text_at = std::chrono::steady_clock::now();
  }
  push(AgentText{turn, std::string(chunk), false});
}

void AgentProcessor::on_agent_action(std::uint32_t turn, const AgentAction& action) {
  if (generating_ != turn) return;
  switch (action.kind) {
    case AgentAction::Kind::end_call: push(Hangup{action.argument.empty() ? "agent" : action.argument, true}); break;
    case AgentAction::Kind::transfer: push(Transfer{action.argument}); break;
    case AgentAction::Kind::send_dtmf:
      push(Dtmf{Dtmf::Direction::outbound, action.argument, 100, std::chrono::steady_clock::now()});
      break;
  }
}

void AgentProcessor::on_agent_tool(std::uint32_t turn, const ToolCall& call) {
  // Even for a reply that was cancelled meanwhile: the tool ran.
  push(ToolResult{turn, call.tool, call.result, call.ok});
}

void AgentProcessor::on_agent_done(std::uint32_t turn, const core::Status&) {
  if (generating_ != turn) return;
  generating_.reset();
  push(AgentText{turn, {}, true});
}

}  // namespace parley::voice
