// libFuzzer target: the SDP parser must never crash; whatever it accepts must survive write/parse
// unchanged, and offer/answer on it must return (an answer or an error), never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/sdp/offer_answer.hpp"
#include "media/sdp/sdp_parser.hpp"
#include "media/sdp/sdp_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sdp = parley::media::sdp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = sdp::parse_sdp(text);
  if (!parsed) return 0;
  auto again = sdp::parse_sdp(sdp::write_sdp(*parsed));
  if (!again || *again != *parsed) __builtin_trap();

  const sdp::LocalEndpoint local{sdp::AddressType::ip4, "192.0.2.1", 20000, "1", "1", "fuzz"};
  auto answer = sdp::answer_offer(*parsed, local, {});
  if (answer) {
    // Our own answer must be valid SDP, and the offerer's view of it must be computable.
    auto answer_sdp = sdp::parse_sdp(sdp::write_sdp(answer->sdp));
    if (!answer_sdp) __builtin_trap();
    (void)sdp::process_answer(*parsed, *answer_sdp);
  }
  return 0;
}
