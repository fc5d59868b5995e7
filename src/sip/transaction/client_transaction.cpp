#include "sip/transaction/client_transaction.hpp"

#include "sip/message/builder.hpp"
#include "sip/transaction/transaction_key.hpp"

namespace parley::sip {

ClientTransaction::ClientTransaction(TransactionContext& context, Inbound request, Peer destination,
                                     ResponseHandler handler)
    : ctx_(context),
      request_(std::move(request)),
      destination_(destination),
      handler_(std::move(handler)),
      key_(client_key(request_->message)),
      invite_(request_->message.method() == "INVITE"),
      reliable_(is_stream(destination.transport)),
      state_(invite_ ? State::calling : State::trying),
      retransmit_(context.timers),
      deadline_(context.timers) {}

void ClientTransaction::start() {
  ctx_.sender.send(destination_, request_->bytes);
  std::weak_ptr<ClientTransaction> weak = weak_from_this();
  if (!reliable_) {
    if (invite_) {
      retransmit_invite(ctx_.config.t1);
    } else {
      retransmit_request(ctx_.config.t1);
    }
  }
  // Timer B (s17.1.1.2) / timer F (s17.1.2.2): 64*T1.
  deadline_.start(ctx_.config.timeout(), [weak] {
    if (auto self = weak.lock()) self->timeout();
  });
}

void ClientTransaction::retransmit_invite(std::chrono::milliseconds interval) {
  std::weak_ptr<ClientTransaction> weak = weak_from_this();
  retransmit_.start(interval, [weak, interval] {
    auto self = weak.lock();
    if (!self || self->state_ != State::calling) return;
    self->ctx_.sender.send(self->destination_, self->request_->bytes);
    self->retransmit_invite(2 * interval);  // timer A doubles (s17.1.1.2)
  });
}

void ClientTransaction::retransmit_request(std::chrono::milliseconds interval) {
  std::weak_ptr<ClientTransaction> weak = weak_from_this();
  retransmit_.start(interval, [weak, interval] {
    auto self = weak.lock();
    if (!self || (self->state_ != State::trying && self->state_ != State::proceeding)) return;
    self->ctx_.sender.send(self->destination_, self->request_->bytes);
    // s17.1.2.2: min(2*E, T2) while trying; T2 once proceeding.
    const auto next = self->state_ == State::proceeding ? self->ctx_.config.t2 : std::min(2 * interval, self->ctx_.config.t2);
    self->retransmit_request(next);
  });
}

void ClientTransaction::on_response(const Inbound& in) {
  const int status = in->message.status();
  auto self = shared_from_this();  // the TU may drop its reference from inside report()
  if (invite_) {
    switch (state_) {
      case State::calling:
      case State::proceeding:
        if (status < 200) {
          state_ = State::proceeding;
          retransmit_.cancel();
          report(in);
        } else if (status < 300) {
          // RFC 6026 s8.4: Accepted; 2xx retransmissions go to the TU (which ACKs them) until timer M.
          state_ = State::accepted;
          retransmit_.cancel();
          std::weak_ptr<ClientTransaction> weak = self;
          deadline_.start(ctx_.config.timeout(), [weak] {
            if (auto s = weak.lock()) s->terminate();
          });
          report(in);
        } else {
          state_ = State::completed;
          retransmit_.cancel();
          send_ack(in->message);
          report(in);
          std::weak_ptr<ClientTransaction> weak = self;
          // Timer D (s17.1.1.2): absorb response retransmissions, 0 s on reliable transports.
          deadline_.start(reliable_ ? std::chrono::milliseconds(0) : ctx_.config.timer_d, [weak] {
            if (auto s = weak.lock()) s->terminate();
          });
        }
        break;
      case State::accepted:
        if (status >= 200 && status < 300) report(in);
        break;
      case State::completed:
        if (status >= 300) ctx_.sender.send(destination_, ack_);  // s17.1.1.2: ACK each retransmission
        break;
      default: break;
    }
    return;
  }
  if (state_ != State::trying && state_ != State::proceeding) return;  // completed: absorbed
  if (status < 200) {
    state_ = State::proceeding;
    report(in);
    return;
  }
  state_ = State::completed;
  retransmit_.cancel();
  report(in);
  std::weak_ptr<ClientTransaction> weak = self;
  // Timer K (s17.1.2.2): T4 on unreliable transports, 0 on reliable ones.
  deadline_.start(reliable_ ? std::chrono::milliseconds(0) : ctx_.config.t4, [weak] {
    if (auto s = weak.lock()) s->terminate();
  });
}

void ClientTransaction::send_ack(const Message& response) {
  // s17.1.1.3: same Request-URI, Call-ID, From, CSeq number and top Via as the INVITE; the
  // response's To; the INVITE's Route headers.
  const Message& req = request_->message;
  auto b = MessageBuilder::request("ACK", req.request_uri().raw, 512);
  if (const Header* via = req.find(HeaderId::via)) b.header(HeaderId::via, via->value);
  for (const Header& h : req.headers()) {
    if (h.id == HeaderId::route) b.header(HeaderId::route, h.value);
  }
  b.header(HeaderId::max_forwards, "70");
  if (const Header* from = req.find(HeaderId::from)) b.header(HeaderId::from, from->value);
  if (const Header* to = response.find(HeaderId::to)) b.header(HeaderId::to, to->value);
  b.header(HeaderId::call_id, req.call_id());
  b.header(HeaderId::cseq, std::to_string(req.cseq().number) + " ACK");
  ack_ = b.finish();
  ctx_.sender.send(destination_, ack_);
}

void ClientTransaction::report(const Inbound& response) {
  if (handler_) handler_(response);
}

void ClientTransaction::on_transport_error() {
  if (state_ != State::calling && state_ != State::trying && state_ != State::proceeding) return;
  auto self = shared_from_this();
  // s17.1.4: a transport failure is reported to the TU as a 503 (Service Unavailable).
  if (auto made = local_response(request_->message, 503, "Service Unavailable", destination_)) {
    report(*made);
  }
  terminate();
}

void ClientTransaction::timeout() {
  if (state_ == State::accepted || state_ == State::completed || state_ == State::terminated) {
    terminate();
    return;
  }
  auto self = shared_from_this();
  // s17.1.1.2 / s17.1.2.2: timer B/F fired; the TU sees a 408.
  if (auto made = local_response(request_->message, 408, "Request Timeout", destination_)) {
    report(*made);
  }
  terminate();
}

void ClientTransaction::terminate() {
  if (state_ == State::terminated) return;
  state_ = State::terminated;
  retransmit_.cancel();
  deadline_.cancel();
  handler_ = nullptr;
  ctx_.terminated(key_, false);
}

}  // namespace parley::sip
