#include "sip/transaction/server_transaction.hpp"

#include "sip/message/builder.hpp"
#include "sip/transport/response_target.hpp"

namespace parley::sip {

ServerTransaction::ServerTransaction(TransactionContext& context, Inbound request, std::string key)
    : ctx_(context),
      request_(std::move(request)),
      key_(std::move(key)),
      target_(response_target(request_->message.top_via(), request_->source)),
      invite_(request_->message.method() == "INVITE"),
      reliable_(is_stream(request_->source.transport)),
      state_(invite_ ? State::proceeding : State::trying),
      trying_(context.timers),
      retransmit_(context.timers),
      deadline_(context.timers) {}

void ServerTransaction::start() {
  if (!invite_) return;
  std::weak_ptr<ServerTransaction> weak = weak_from_this();
  // s17.2.1: a 100 Trying when the TU has not answered within 200 ms.
  trying_.start(std::chrono::milliseconds(200), [weak] {
    auto self = weak.lock();
    if (!self || !self->last_response_.empty() || self->state_ != State::proceeding) return;
    self->respond(make_response(self->request_->message, 100, "Trying"), 100);
  });
}

void ServerTransaction::respond(std::string bytes, int status) {
  if (state_ != State::trying && state_ != State::proceeding) return;  // a final response was already sent
  trying_.cancel();
  last_response_ = std::move(bytes);
  send_last();
  if (status < 200) {
    state_ = State::proceeding;
    return;
  }
  final_status_ = status;
  if (invite_ && status < 300) {
    state_ = State::accepted;  // RFC 6026 s8.5: absorb INVITE retransmissions until timer L
    linger(ctx_.config.timeout());
    return;
  }
  state_ = State::completed;
  if (invite_) {
    if (!reliable_) retransmit_final(ctx_.config.t1);
    linger(ctx_.config.timeout());  // timer H (s17.2.1)
  } else {
    // Timer J (s17.2.2): 64*T1 unreliable, 0 reliable.
    linger(reliable_ ? std::chrono::milliseconds(0) : ctx_.config.timeout());
  }
}

void ServerTransaction::on_retransmission() {
  // s17.2.1 / s17.2.2: resend the most recent response (none yet while trying: absorbed).
  if ((state_ == State::proceeding || state_ == State::completed) && !last_response_.empty()) send_last();
}

void ServerTransaction::on_ack() {
  if (state_ != State::completed) return;
  state_ = State::confirmed;
  retransmit_.cancel();
  // Timer I (s17.2.1): T4 unreliable, 0 reliable.
  linger(reliable_ ? std::chrono::milliseconds(0) : ctx_.config.t4);
}

void ServerTransaction::cancel() {
  if (final_sent()) return;
  if (on_cancel_) {
    auto handler = std::move(on_cancel_);
    handler();
  }
  if (!final_sent()) respond(make_response(request_->message, 487, "Request Terminated", {}), 487);  // s9.2
}

void ServerTransaction::send_last() { ctx_.sender.send(target_, last_response_); }

void ServerTransaction::retransmit_final(std::chrono::milliseconds interval) {
  std::weak_ptr<ServerTransaction> weak = weak_from_this();
  retransmit_.start(interval, [weak, interval] {
    auto self = weak.lock();
    if (!self || self->state_ != State::completed) return;
    self->send_last();
    self->retransmit_final(std::min(2 * interval, self->ctx_.config.t2));  // timer G (s17.2.1)
  });
}

void ServerTransaction::linger(std::chrono::milliseconds duration) {
  std::weak_ptr<ServerTransaction> weak = weak_from_this();
  deadline_.start(duration, [weak] {
    if (auto self = weak.lock()) self->terminate();
  });
}

void ServerTransaction::terminate() {
  if (state_ == State::terminated) return;
  state_ = State::terminated;
  trying_.cancel();
  retransmit_.cancel();
  deadline_.cancel();
  on_cancel_ = nullptr;
  ctx_.terminated(key_, true);
}

}  // namespace parley::sip
