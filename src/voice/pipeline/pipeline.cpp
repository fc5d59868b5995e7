#include "voice/pipeline/pipeline.hpp"

#include <algorithm>

namespace parley::voice {

void Processor::push(Frame frame, Direction dir) {
  if (pipeline_ != nullptr) pipeline_->send_from(index_, std::move(frame), dir);
}

void Processor::broadcast(Frame frame) {
  if (pipeline_ == nullptr) return;
  pipeline_->send_from(index_, frame, Direction::upstream);
  pipeline_->send_from(index_, std::move(frame), Direction::downstream);
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::append(std::unique_ptr<Processor> p) {
  p->pipeline_ = this;
  p->index_ = processors_.size();
  processors_.push_back(std::move(p));
}

void Pipeline::push(Frame frame, Direction dir) {
  if (stopped_) return;
  std::size_t target = dir == Direction::downstream ? 0 : processors_.size() - 1;
  if (processors_.empty()) target = dir == Direction::downstream ? 0 : kOutUpstream;
  enqueue(target, std::move(frame), dir);
  drain();
}

void Pipeline::send_from(std::size_t index, Frame frame, Direction dir) {
  if (stopped_) return;
  std::size_t target = dir == Direction::downstream ? index + 1 : (index == 0 ? kOutUpstream : index - 1);
  enqueue(target, std::move(frame), dir);
  drain();  // no-op while a delivery is in progress: the outer drain picks it up
}

void Pipeline::enqueue(std::size_t target, Frame frame, Direction dir) {
  bool interrupt = frame.is<Interrupt>();
  auto& lane = frame.lane() == Lane::system ? system_ : data_;
  lane.push_back(Pending{target, dir, std::move(frame)});
  if (interrupt) flush_interruptible();
}

void Pipeline::flush_interruptible() {
  std::erase_if(data_, [](const Pending& p) { return p.frame.interruptible(); });
}

void Pipeline::drain() {
  if (draining_) return;
  draining_ = true;
  while (!stopped_ && (!system_.empty() || !data_.empty())) {
    auto& lane = !system_.empty() ? system_ : data_;
    Pending next = std::move(lane.front());
    lane.pop_front();
    if (next.target == kOutUpstream || next.target >= processors_.size()) {
      if (exit_) exit_(std::move(next.frame), next.dir);
      continue;
    }
    Processor& p = *processors_[next.target];
    if (tap_) tap_(next.frame, p.name(), next.dir);
    p.process(std::move(next.frame), next.dir);
  }
  draining_ = false;
}

void Pipeline::stop() {
  if (stopped_) return;
  stopped_ = true;
  system_.clear();
  data_.clear();
  for (auto& p : processors_) p->stop();
}

}  // namespace parley::voice
