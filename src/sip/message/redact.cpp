#include "sip/message/redact.hpp"

#include "sip/message/auth_header.hpp"
#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

constexpr std::string_view kKeptDigestParams[] = {"username", "realm", "uri", "algorithm", "qop"};

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && detail::iequals(text.substr(0, prefix.size()), prefix);
}

bool is_credentials_header(std::string_view name) {
  return detail::iequals(name, "Authorization") || detail::iequals(name, "Proxy-Authorization");
}

// "Digest username="alice", realm="example.com", ..., response="[redacted]"".
std::string redacted_credentials(std::string_view value) {
  const std::string_view trimmed = detail::trim(value);
  auto header = parse_auth_header(trimmed);
  if (!header) {  // e.g. "Basic <token68>": keep the scheme name only
    const std::string_view scheme = trimmed.substr(0, trimmed.find_first_of(" \t"));
    return detail::is_token(scheme) && scheme.size() < trimmed.size() ? std::string(scheme) + " " + std::string(kRedacted)
                                                                       : std::string(kRedacted);
  }
  std::string out(header->scheme());
  if (!detail::iequals(header->scheme(), "Digest")) return out + " " + std::string(kRedacted);
  bool first = true;
  std::size_t pos = 0;
  AuthParam p;
  while (header->next(pos, p)) {
    bool kept = false;
    for (auto name : kKeptDigestParams) kept = kept || detail::iequals(p.name, name);
    if (!kept) continue;
    out.append(first ? " " : ", ").append(p.name).append("=");
    out.append(p.quoted ? "\"" : "").append(p.value).append(p.quoted ? "\"" : "");
    first = false;
  }
  out.append(first ? " " : ", ").append("response=\"").append(kRedacted).append("\"");
  return out;
}

// "sip:user:secret@host" -> "sip:user:[redacted]@host", anywhere in `line`.
std::string mask_uri_passwords(std::string_view line) {
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    const bool sip = istarts_with(line.substr(i), "sip:");
    const bool sips = istarts_with(line.substr(i), "sips:");
    if (!sip && !sips) {
      out.push_back(line[i++]);
      continue;
    }
    const std::size_t start = i + (sips ? 5 : 4);
    out.append(line.substr(i, start - i));
    static constexpr std::string_view kUserEnd = "@:;?>\"', \t";
    const std::size_t user_end = line.find_first_of(kUserEnd, start);
    if (user_end == std::string_view::npos || line[user_end] != ':') {
      i = start;
      continue;
    }
    static constexpr std::string_view kPasswordEnd = "@;?>\"', \t";
    const std::size_t at = line.find_first_of(kPasswordEnd, user_end + 1);
    if (at == std::string_view::npos || line[at] != '@') {  // "sip:host:5060": a port, not a password
      i = start;
      continue;
    }
    out.append(line.substr(start, user_end + 1 - start)).append(kRedacted);
    i = at;
  }
  return out;
}

// SDP key lines (RFC 4568 s6.1 inline key parameters; RFC 4567 key management data).
std::string redact_sdp_line(std::string_view line) {
  if (istarts_with(line, "a=key-mgmt:")) return "a=key-mgmt:" + std::string(kRedacted);
  if (!istarts_with(line, "a=crypto:")) return std::string(line);
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (istarts_with(line.substr(i), "inline:")) {
      out.append(line.substr(i, 7)).append(kRedacted);
      // The key ends at its "|lifetime|MKI" suffix (RFC 4568 s9.1), or the next key-param.
      i = line.find_first_of("|; \t", i + 7);
      if (i == std::string_view::npos) break;
      continue;
    }
    out.push_back(line[i++]);
  }
  return out;
}

// The next line of `text` from `pos`, without its line break; `pos` moves past the break.
std::string_view next_line(std::string_view text, std::size_t& pos, std::string_view& eol) {
  const std::size_t lf = text.find('\n', pos);
  std::string_view line = text.substr(pos, lf == std::string_view::npos ? std::string_view::npos : lf - pos);
  eol = lf == std::string_view::npos ? std::string_view() : std::string_view("\n");
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
    eol = lf == std::string_view::npos ? std::string_view("\r") : std::string_view("\r\n");
  }
  pos = lf == std::string_view::npos ? text.size() : lf + 1;
  return line;
}

}  // namespace

std::string redact_credentials(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  std::size_t pos = 0;
  bool in_body = false;
  bool dropping_folds = false;  // continuation lines of a credentials header
  while (pos < message.size()) {
    std::string_view eol;
    const std::string_view line = next_line(message, pos, eol);
    if (in_body) {
      out.append(redact_sdp_line(line)).append(eol);
      continue;
    }
    if (line.empty()) {  // s7: the blank line before the body
      in_body = true;
      dropping_folds = false;
      out.append(eol);
      continue;
    }
    const bool folded = line.front() == ' ' || line.front() == '\t';  // s7.3.1 header folding
    if (folded && dropping_folds) continue;
    dropping_folds = false;
    const std::size_t colon = line.find(':');
    if (!folded && colon != std::string_view::npos && is_credentials_header(detail::trim(line.substr(0, colon)))) {
      // The value may continue on folded lines: read them all, then write one redacted line.
      std::string value(line.substr(colon + 1));
      std::size_t look = pos;
      while (look < message.size() && (message[look] == ' ' || message[look] == '\t')) {
        std::string_view fold_eol;
        value.append(" ").append(next_line(message, look, fold_eol));
      }
      out.append(line.substr(0, colon + 1)).append(" ").append(redacted_credentials(value)).append(eol);
      dropping_folds = true;
      continue;
    }
    out.append(mask_uri_passwords(line)).append(eol);
  }
  return out;
}

}  // namespace parley::sip
