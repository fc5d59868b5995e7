#include "media/codec/codec.hpp"

namespace parley::media::codec {

std::string_view to_string(CodecError error) noexcept {
  switch (error) {
    case CodecError::bad_frame_length: return "bad_frame_length";
    case CodecError::output_too_small: return "output_too_small";
    case CodecError::bad_payload: return "bad_payload";
    case CodecError::codec_failure: return "codec_failure";
  }
  return "";
}

}  // namespace parley::media::codec
