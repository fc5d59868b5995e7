#pragma once
// A listening-quality MOS estimate from loss, jitter and RTT: a simplified ITU-T G.107 E-model.
//
//   R     = 93.2 - Id - Ie_eff                       (G.107 default R0 - Is = 93.2, advantage A = 0)
//   d     = rtt/2 + jitter_buffer + 20 ms packetization   (one-way mouth-to-ear delay, ms)
//   Id    = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)   (Cole & Rosenbluth's fit of G.107's Idd, H = step)
//   Ie_eff= Ie + (95 - Ie) Ppl / (Ppl + Bpl)          (G.107 eq. 7-29 with BurstR = 1, Ppl in %)
//   MOS   = 1 + 0.035 R + 7e-6 R (R - 60)(100 - R)    (G.107 Annex B), 1 for R < 0, 4.5 for R > 100
//
// The jitter buffer delay defaults to twice the measured jitter. Ie/Bpl come from G.113 Appendix I;
// wideband codecs are scored on the narrowband scale with G.711's values.
namespace parley::media::rtp {

struct CodecImpairment {
  double ie = 0.0;   // equipment impairment factor
  double bpl = 0.0;  // packet-loss robustness factor
};

inline constexpr CodecImpairment kG711Impairment{0.0, 25.1};  // G.711 with PLC (G.113 App. I)
inline constexpr CodecImpairment kG729Impairment{11.0, 19.0};  // G.729A + VAD (G.113 App. I)

struct MosInput {
  double loss_fraction = 0.0;  // 0..1
  double jitter_ms = 0.0;
  double rtt_ms = 0.0;
  double jitter_buffer_ms = -1.0;  // < 0: use 2 x jitter_ms
  CodecImpairment codec = kG711Impairment;
};

double r_factor(const MosInput& input) noexcept;
double mos_from_r(double r) noexcept;
inline double estimate_mos(const MosInput& input) noexcept { return mos_from_r(r_factor(input)); }

}  // namespace parley::media::rtp
