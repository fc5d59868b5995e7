#include "voice/turn/vad_processor.hpp"

#include "media/audio_format.hpp"

namespace parley::voice {

void VadProcessor::process(Frame frame, Direction dir) {
  auto* audio = frame.get_if<AudioFrame>();
  if (audio == nullptr || dir != Direction::downstream) {
    push(std::move(frame), dir);
    return;
  }
  audio->voiced = vad_.is_speech(audio->pcm);
  std::uint64_t frame_no = audio->frame_no;
  SteadyTime at = audio->at;
  bool voiced = audio->voiced;
  push(std::move(frame), dir);

  bool breaks_run = speaking_ ? !voiced : voiced;
  if (!breaks_run) {
    run_ = 0;
    if (speaking_) ++voiced_frames_;
    return;
  }
  if (run_ == 0) {
    run_start_frame_ = frame_no;
    run_start_at_ = at;
  }
  ++run_;
  if (!speaking_ && run_ >= kOnsetFrames) {
    speaking_ = true;
    run_ = 0;
    voiced_frames_ = kOnsetFrames;
    push(SpeechStarted{run_start_frame_, run_start_at_, 0});
  } else if (speaking_ && run_ >= kHangoverFrames) {
    speaking_ = false;
    run_ = 0;
    push(SpeechStopped{run_start_frame_, run_start_at_, voiced_frames_ * media::kFrameMs, 0,
                       SpeechStopped::Verdict::silence, {}});
  }
}

}  // namespace parley::voice
