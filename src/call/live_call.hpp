#pragma once
// A call once it is answered, whichever way it started (inbound admission or outbound dial): the
// SIP dialog, the media session and the session record, together until hang-up.
//
// It takes over the dialog's events (sip::CallEvents) and keeps itself alive until the dialog
// terminates. Everything runs on the SIP engine's io_context. It is listed in ActiveCalls, so
// POST /voice/end and shutdown can end it.
//
//   auto call = LiveCall::create(io, sip, std::move(media), writer, settings, active_calls);
//   call->start();      // media flows (right after our 2xx, or on the peer's 2xx)
//   call->confirmed();  // the dialog is confirmed (ACK received / 2xx ACKed): in_progress
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "call/active_calls.hpp"
#include "call/call_media.hpp"
#include "call/call_voice.hpp"
#include "call/rtp_call_audio.hpp"
#include "call/session_writer.hpp"
#include "sip/dialog/invite_session.hpp"

namespace parley::call {

struct RecordingTarget {
  std::string id;  // recordings row, created with the session
  std::filesystem::path path;
};

struct LiveCallSettings {
  std::string sip_call_id;
  int max_duration_s = 600;
  std::optional<RecordingTarget> recording;
  // The voice agent (absent in media test modes): the conversation runs on the call's audio.
  std::optional<VoiceSetup> voice;
  const VoiceEnvironment* voice_environment = nullptr;
};

class LiveCall final : public sip::CallEvents, public std::enable_shared_from_this<LiveCall> {
 public:
  static std::shared_ptr<LiveCall> create(boost::asio::io_context& io, std::shared_ptr<sip::InviteSession> sip,
                                          CallMedia media, std::shared_ptr<SessionWriter> writer,
                                          LiveCallSettings settings, ActiveCalls& active);
  ~LiveCall() override;

  void start();
  // `details` adds fields to the in_progress transition (an outbound call's trunk and attempts).
  void confirmed(store::SessionTransition details = {});
  // Ends the call from our side: the final state is written, then BYE. `written` runs once stored.
  void end(std::string reason, std::function<void()> written = {});

  // sip::CallEvents
  void on_ack(std::string_view sdp_answer) override;
  void on_bye() override;
  std::optional<std::string> on_reinvite(std::string_view offer) override;
  std::optional<std::string> on_update(std::string_view offer) override;
  void on_info(std::string_view content_type, std::string_view body) override;
  void on_refresh_failure() override;
  void on_transfer(int status) override;
  void on_terminated(sip::EndReason reason) override;

 private:
  LiveCall(boost::asio::io_context& io, std::shared_ptr<sip::InviteSession> sip, CallMedia media,
           std::shared_ptr<SessionWriter> writer, LiveCallSettings settings, ActiveCalls& active);
  // Writes the final state once (later end events of the same call are ignored) and stops media.
  void finish(std::string status, std::string reason, std::function<void()> written = {});
  core::Status start_voice();
  void on_dtmf(const media::dtmf::Dtmf& digit, std::string_view via);
  std::string log_id() const { return writer_->session_id(); }

  boost::asio::io_context& io_;
  std::shared_ptr<sip::InviteSession> sip_;
  CallMedia media_;
  std::shared_ptr<SessionWriter> writer_;
  LiveCallSettings settings_;
  ActiveCalls& active_;
  boost::asio::steady_timer max_duration_;
  std::optional<RtpCallAudio> audio_;  // the voice agent's audio path; outlives voice_
  std::unique_ptr<CallVoice> voice_;
  std::shared_ptr<LiveCall> self_;  // alive until the dialog terminates
  bool confirmed_ = false;
  bool finished_ = false;
};

}  // namespace parley::call
