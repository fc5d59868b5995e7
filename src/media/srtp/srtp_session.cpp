#include "media/srtp/srtp_session.hpp"

#include <srtp2/srtp.h>

#include <mutex>
#include <string>

namespace parley::media::srtp {
namespace {

constexpr std::size_t kSrtcpIndexSize = 4;  // RFC 3711 s3.4: E flag + 31-bit index
constexpr std::size_t kRtcpTag = 10;        // RFC 4568 s6.2.2: SRTCP keeps the 80-bit tag for both suites

srtp_err_status_t library_status() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  return status;
}

SrtpError map_error(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_auth_fail: return SrtpError::auth_failed;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old: return SrtpError::replay;
    default: return SrtpError::failed;
  }
}

template <class Fn>
SrtpResult<std::size_t> run(Fn fn, srtp_ctx_t_* context, std::span<std::uint8_t> buffer, std::size_t length,
                            std::size_t overhead) noexcept {
  if (length > buffer.size() || buffer.size() - length < overhead || length > 0x7FFFFFFF) {
    return std::unexpected(SrtpError::buffer_too_small);
  }
  int len = static_cast<int>(length);
  const auto status = fn(context, buffer.data(), &len);
  if (status != srtp_err_status_ok) return std::unexpected(map_error(status));
  return static_cast<std::size_t>(len);
}

}  // namespace

std::string_view to_string(SrtpError error) noexcept {
  switch (error) {
    case SrtpError::auth_failed: return "auth_failed";
    case SrtpError::replay: return "replay";
    case SrtpError::buffer_too_small: return "buffer_too_small";
    case SrtpError::failed: return "failed";
  }
  return "";
}

void SrtpSession::Deleter::operator()(srtp_ctx_t_* context) const noexcept { srtp_dealloc(context); }

core::Result<SrtpSession> SrtpSession::create(SrtpSuite suite, std::string_view master_key_salt,
                                              SrtpDirection direction) {
  if (master_key_salt.size() != kMasterKeySaltLength) {
    return core::fail(core::Errc::invalid_argument, "SRTP master key||salt must be 30 octets", "crypto");
  }
  if (const auto status = library_status(); status != srtp_err_status_ok) {
    return core::fail(core::Errc::internal, "srtp_init failed: " + std::to_string(status));
  }
  srtp_policy_t policy{};
  std::size_t rtp_tag = 10;
  if (suite == SrtpSuite::aes_cm_128_hmac_sha1_80) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
    rtp_tag = 4;
  }
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  policy.ssrc.type = direction == SrtpDirection::outbound ? ssrc_any_outbound : ssrc_any_inbound;
  // libsrtp2 copies the key material during srtp_create.
  policy.key = reinterpret_cast<unsigned char*>(const_cast<char*>(master_key_salt.data()));
  policy.window_size = 128;  // RFC 3711 s3.3.2 minimum replay window is 64
  policy.allow_repeat_tx = 0;
  srtp_t context = nullptr;
  if (const auto status = srtp_create(&context, &policy); status != srtp_err_status_ok) {
    return core::fail(core::Errc::internal, "srtp_create failed: " + std::to_string(status));
  }
  return SrtpSession(context, rtp_tag);
}

std::size_t SrtpSession::rtcp_overhead() const noexcept { return kSrtcpIndexSize + kRtcpTag; }

SrtpResult<std::size_t> SrtpSession::protect_rtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  return run(srtp_protect, context_.get(), buffer, length, rtp_overhead());
}

SrtpResult<std::size_t> SrtpSession::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  return run(srtp_protect_rtcp, context_.get(), buffer, length, rtcp_overhead());
}

SrtpResult<std::size_t> SrtpSession::unprotect_rtp(std::span<std::uint8_t> packet) noexcept {
  return run(srtp_unprotect, context_.get(), packet, packet.size(), 0);
}

SrtpResult<std::size_t> SrtpSession::unprotect_rtcp(std::span<std::uint8_t> packet) noexcept {
  return run(srtp_unprotect_rtcp, context_.get(), packet, packet.size(), 0);
}

core::Result<SrtpStreams> make_srtp_streams(const sdp::SrtpKeys& keys) {
  auto outbound = SrtpSession::create(keys.suite, keys.local_key, SrtpDirection::outbound);
  if (!outbound) return std::unexpected(outbound.error());
  auto inbound = SrtpSession::create(keys.suite, keys.remote_key, SrtpDirection::inbound);
  if (!inbound) return std::unexpected(inbound.error());
  return SrtpStreams{std::move(*outbound), std::move(*inbound)};
}

}  // namespace parley::media::srtp
