#include "media/dtmf/inband_detector.hpp"

#include <spandsp.h>

#include <algorithm>

namespace parley::media::dtmf {
namespace {

constexpr std::size_t kChunk = 40;  // 5 ms: the granularity of reported durations
constexpr int kRate = 8000;
constexpr std::size_t kQueue = 16;

}  // namespace

struct InbandDtmfDetector::State {
  dtmf_rx_state_t* rx = nullptr;
  std::uint64_t position = 0;  // samples fed so far
  char active = 0;
  std::uint64_t started_at = 0;
  std::array<Dtmf, kQueue> queue{};
  std::size_t head = 0;
  std::size_t count = 0;

  ~State() {
    if (rx) dtmf_rx_free(rx);
  }

  void push(Dtmf digit) {
    if (count == kQueue) {
      head = (head + 1) % kQueue;
      --count;
    }
    queue[(head + count++) % kQueue] = digit;
  }

  // spandsp realtime callback: the digit's ASCII code when a tone starts, 0 when it stops.
  static void on_tone(void* user, int code, int, int) {
    auto* self = static_cast<State*>(user);
    if (code != 0) {
      self->active = static_cast<char>(code);
      self->started_at = self->position;
    } else if (self->active != 0) {
      const auto samples = self->position - self->started_at;
      self->push(Dtmf{self->active, static_cast<int>(samples * 1000 / kRate)});
      self->active = 0;
    }
  }
};

InbandDtmfDetector::InbandDtmfDetector(std::unique_ptr<State> state) : state_(std::move(state)) {}
InbandDtmfDetector::~InbandDtmfDetector() = default;
InbandDtmfDetector::InbandDtmfDetector(InbandDtmfDetector&&) noexcept = default;
InbandDtmfDetector& InbandDtmfDetector::operator=(InbandDtmfDetector&&) noexcept = default;

core::Result<InbandDtmfDetector> InbandDtmfDetector::create() {
  auto state = std::make_unique<State>();
  state->rx = dtmf_rx_init(nullptr, nullptr, nullptr);
  if (!state->rx) return core::fail(core::Errc::internal, "spandsp dtmf_rx_init failed");
  dtmf_rx_set_realtime_callback(state->rx, &State::on_tone, state.get());
  return InbandDtmfDetector(std::move(state));
}

void InbandDtmfDetector::process(std::span<const std::int16_t> pcm8k) noexcept {
  for (std::size_t offset = 0; offset < pcm8k.size(); offset += kChunk) {
    const auto chunk = pcm8k.subspan(offset, std::min(kChunk, pcm8k.size() - offset));
    dtmf_rx(state_->rx, chunk.data(), static_cast<int>(chunk.size()));
    state_->position += chunk.size();
  }
}

std::optional<Dtmf> InbandDtmfDetector::next_digit() noexcept {
  if (state_->count == 0) return std::nullopt;
  const Dtmf digit = state_->queue[state_->head];
  state_->head = (state_->head + 1) % kQueue;
  --state_->count;
  return digit;
}

}  // namespace parley::media::dtmf
