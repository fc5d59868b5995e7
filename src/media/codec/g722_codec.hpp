#pragma once
// G.722 at 64 kbit/s (PT 9) through spandsp: 16 kHz native, 8000 Hz RTP clock (RFC 3551 s4.5.2).
#include <memory>

#include "core/error.hpp"
#include "media/codec/codec.hpp"
#include "media/codec/detail/plc.hpp"

struct g722_encode_state_s;
struct g722_decode_state_s;

namespace parley::media::codec {

class G722Codec final : public Codec {
 public:
  static core::Result<std::unique_ptr<Codec>> create(int payload_type);
  ~G722Codec() override;

  const CodecInfo& info() const noexcept override { return info_; }
  CodecResult<std::size_t> encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> payload) override;
  CodecResult<std::size_t> decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm) override;
  // spandsp's PLC run at 16 kHz: its pitch search then covers 133-400 Hz voices.
  void conceal(std::span<std::int16_t> pcm, std::span<const std::uint8_t> next_payload) override;

 private:
  struct EncoderDeleter {
    void operator()(g722_encode_state_s* state) const noexcept;
  };
  struct DecoderDeleter {
    void operator()(g722_decode_state_s* state) const noexcept;
  };
  explicit G722Codec(int payload_type);

  CodecInfo info_;
  std::unique_ptr<g722_encode_state_s, EncoderDeleter> encoder_;
  std::unique_ptr<g722_decode_state_s, DecoderDeleter> decoder_;
  detail::Plc plc_;
};

}  // namespace parley::media::codec
