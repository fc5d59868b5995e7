#include "media/sdp/detail/codec_selection.hpp"

#include "media/detail/text.hpp"

namespace parley::media::sdp::detail {
namespace {

bool is_wideband(std::string_view name) {
  return media::detail::iequals(name, "G722") || media::detail::iequals(name, "opus");
}

std::optional<RtpMap> first_offered(std::span<const RtpMap> offered, const CodecPreference& preference) {
  for (const auto& map : offered) {
    if (matches(map, preference)) return map;
  }
  return std::nullopt;
}

}  // namespace

bool is_telephone_event(const RtpMap& map) { return media::detail::iequals(map.encoding, "telephone-event"); }

bool matches(const RtpMap& map, const CodecPreference& preference) {
  return media::detail::iequals(map.encoding, preference.name) && map.clock_rate == preference.clock_rate &&
         map.channels == preference.channels;
}

std::vector<RtpMap> offered_maps(const MediaDescription& m) {
  std::vector<RtpMap> maps;
  for (int pt : m.payload_types()) {
    if (auto map = m.resolve(pt)) maps.push_back(std::move(*map));
  }
  return maps;
}

std::optional<RtpMap> select_codec(std::span<const RtpMap> offered, std::span<const CodecPreference> preferences,
                                   bool prefer_wideband) {
  for (int pass = prefer_wideband ? 0 : 1; pass < 2; ++pass) {
    for (const auto& preference : preferences) {
      if (media::detail::iequals(preference.name, "telephone-event")) continue;
      if (pass == 0 && !is_wideband(preference.name)) continue;
      if (auto map = first_offered(offered, preference)) return map;
    }
  }
  return std::nullopt;
}

std::optional<RtpMap> select_telephone_event(std::span<const RtpMap> offered, int clock_rate) {
  std::optional<RtpMap> fallback;
  for (const auto& map : offered) {
    if (!is_telephone_event(map)) continue;
    if (map.clock_rate == clock_rate) return map;
    if (map.clock_rate == 8000 && !fallback) fallback = map;
  }
  return fallback;
}

}  // namespace parley::media::sdp::detail
