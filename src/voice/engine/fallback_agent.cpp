// The agent half of engine/fallback.hpp.
#include <boost/asio/steady_timer.hpp>

#include "voice/engine/fallback.hpp"
#include "voice/engine/lifeline.hpp"

namespace parley::voice {
namespace {

class FallbackAgent;

struct AgentRelay final : AgentListener {
  FallbackAgent* owner = nullptr;
  void on_agent_text(std::uint32_t turn, std::string_view chunk) override;
  void on_agent_action(std::uint32_t turn, const AgentAction& action) override;
  void on_agent_usage(const Usage& usage) override;
  void on_agent_tool(std::uint32_t turn, const ToolCall& call) override;
  void on_agent_done(std::uint32_t turn, const core::Status& status) override;
};

struct AgentEngine {
  std::unique_ptr<AgentRelay> relay = std::make_unique<AgentRelay>();
  std::unique_ptr<AgentSession> session;
  ~AgentEngine() { session.reset(); }
};

class FallbackAgent final : public AgentSession {
 public:
  FallbackAgent(FallbackSetup setup, std::chrono::milliseconds deadline, AgentListener& outer,
                MakeEngine<AgentListener, AgentSession> make_fallback)
      : setup_(std::move(setup)), deadline_(deadline), outer_(outer), make_fallback_(std::move(make_fallback)),
        timer_(setup_.io), life_(Lifeline::create()) {}
  ~FallbackAgent() override {
    life_->cut();
    if (current_) current_->relay->owner = nullptr;
  }

  void start(const MakeEngine<AgentListener, AgentSession>& make_primary) {
    provider_ = setup_.provider;
    if (auto e = build(make_primary); !e) fail(e.error());
  }

  void respond(const AgentInput& input) override {
    turn_ = input.turn;
    if (!current_) {
      apologise(input.turn);
      return;
    }
    arm();
    current_->session->respond(input);
  }

  void cancel() override {
    turn_.reset();
    timer_.cancel();
    if (current_) current_->session->cancel();
  }

  void record_speech(std::string_view text, bool interrupted) override {
    if (current_) current_->session->record_speech(text, interrupted);
  }

  void text(std::uint32_t turn, std::string_view chunk) {
    if (turn_ != turn) return;
    arm();
    outer_.on_agent_text(turn, chunk);
  }
  void action(std::uint32_t turn, const AgentAction& a) {
    if (turn_ != turn) return;
    arm();
    outer_.on_agent_action(turn, a);
  }
  void usage(const Usage& u) { outer_.on_agent_usage(u); }
  void tool(std::uint32_t turn, const ToolCall& c) { outer_.on_agent_tool(turn, c); }  // even after cancel
  void done(std::uint32_t turn, const core::Status& status) {
    if (turn_ != turn) return;
    if (!status) {
      fail(status.error());
      return;
    }
    timer_.cancel();
    turn_.reset();
    outer_.on_agent_done(turn, {});
  }

  // Switch agents; the reply in flight becomes the apology.
  void fail(const core::Error& e) {
    timer_.cancel();
    retire();
    std::string next;
    if (!on_fallback_ && make_fallback_) {
      on_fallback_ = true;
      if (build(make_fallback_)) next = setup_.fallback_provider;
    }
    setup_.on_error(EngineErrorReport{EngineKind::agent, provider_, e, next});
    provider_ = next;
    if (turn_) apologise(*turn_);
  }

 private:
  core::Status build(const MakeEngine<AgentListener, AgentSession>& make) {
    auto engine = std::make_unique<AgentEngine>();
    auto session = make(*engine->relay);
    if (!session) return std::unexpected(session.error());
    engine->session = std::move(*session);
    engine->relay->owner = this;
    current_ = std::move(engine);
    return {};
  }

  void apologise(std::uint32_t turn) {
    post_if_alive(setup_.io, life_, [this, turn] {
      if (turn_ != turn) return;
      turn_.reset();
      outer_.on_agent_text(turn, kAgentApology);
      outer_.on_agent_done(turn, {});
    });
  }

  void arm() {
    auto wait = engine_deadline(deadline_, !on_fallback_ && make_fallback_);
    timer_.expires_after(wait);
    auto life = life_;
    timer_.async_wait([this, life, wait](const boost::system::error_code& ec) {
      if (ec || !life->alive() || !turn_) return;
      fail(core::Error{core::Errc::timeout, "no reply within " + std::to_string(wait.count()) + " ms", {}});
    });
  }

  void retire() {
    if (current_) {
      current_->relay->owner = nullptr;  // before cancel(): what it reports goes nowhere
      current_->session->cancel();
    }
    retire_engine(setup_.io, current_);
  }

  FallbackSetup setup_;
  std::chrono::milliseconds deadline_;
  AgentListener& outer_;
  MakeEngine<AgentListener, AgentSession> make_fallback_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Lifeline> life_;
  std::unique_ptr<AgentEngine> current_;
  std::string provider_;
  bool on_fallback_ = false;
  std::optional<std::uint32_t> turn_;  // the reply in flight
};

void AgentRelay::on_agent_text(std::uint32_t turn, std::string_view chunk) {
  if (owner != nullptr) owner->text(turn, chunk);
}
void AgentRelay::on_agent_action(std::uint32_t turn, const AgentAction& action) {
  if (owner != nullptr) owner->action(turn, action);
}
void AgentRelay::on_agent_usage(const Usage& usage) {
  if (owner != nullptr) owner->usage(usage);
}
void AgentRelay::on_agent_tool(std::uint32_t turn, const ToolCall& call) {
  if (owner != nullptr) owner->tool(turn, call);
}
void AgentRelay::on_agent_done(std::uint32_t turn, const core::Status& status) {
  if (owner != nullptr) owner->done(turn, status);
}

}  // namespace

std::unique_ptr<AgentSession> make_fallback_agent(FallbackSetup setup, std::chrono::milliseconds deadline,
                                                  AgentListener& outer, MakeEngine<AgentListener, AgentSession> make_primary,
                                                  MakeEngine<AgentListener, AgentSession> make_fallback) {
  auto s = std::make_unique<FallbackAgent>(std::move(setup), deadline, outer, std::move(make_fallback));
  s->start(make_primary);
  return s;
}

}  // namespace parley::voice
