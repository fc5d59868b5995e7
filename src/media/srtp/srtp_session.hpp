#pragma once
// One direction of SRTP/SRTCP (RFC 3711) over libsrtp2, keyed from SDES (RFC 4568): protect outgoing
// or unprotect incoming packets in place. libsrtp2 is initialised once per process.
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string_view>

#include "core/error.hpp"
#include "media/sdp/negotiated_media.hpp"
#include "media/srtp/srtp_suite.hpp"

struct srtp_ctx_t_;

namespace parley::media::srtp {

enum class SrtpError {
  auth_failed,       // RFC 3711 s3.3 step 5: the tag does not match (tampered or wrong key)
  replay,            // RFC 3711 s3.3.2: index already seen or too old
  buffer_too_small,  // no room for the authentication tag / SRTCP index
  failed,            // any other libsrtp2 error (malformed packet, wrong SSRC, ...)
};

std::string_view to_string(SrtpError error) noexcept;

template <class T>
using SrtpResult = std::expected<T, SrtpError>;

enum class SrtpDirection { outbound, inbound };

class SrtpSession {
 public:
  // `master_key_salt` is the 30-octet key||salt from a=crypto inline.
  static core::Result<SrtpSession> create(SrtpSuite suite, std::string_view master_key_salt, SrtpDirection direction);

  // The packet's `length` octets sit at the start of `buffer`; the tag (and SRTCP index) are appended.
  SrtpResult<std::size_t> protect_rtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;
  SrtpResult<std::size_t> protect_rtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;
  // Verifies and decrypts in place; returns the plain length.
  SrtpResult<std::size_t> unprotect_rtp(std::span<std::uint8_t> packet) noexcept;
  SrtpResult<std::size_t> unprotect_rtcp(std::span<std::uint8_t> packet) noexcept;

  std::size_t rtp_overhead() const noexcept { return rtp_tag_; }
  std::size_t rtcp_overhead() const noexcept;

 private:
  struct Deleter {
    void operator()(srtp_ctx_t_* context) const noexcept;
  };
  SrtpSession(srtp_ctx_t_* context, std::size_t rtp_tag) : context_(context), rtp_tag_(rtp_tag) {}

  std::unique_ptr<srtp_ctx_t_, Deleter> context_;
  std::size_t rtp_tag_;
};

// Both directions of a call from the negotiated keys: outbound uses the local key, inbound the remote.
struct SrtpStreams {
  SrtpSession outbound;
  SrtpSession inbound;
};
core::Result<SrtpStreams> make_srtp_streams(const sdp::SrtpKeys& keys);

}  // namespace parley::media::srtp
