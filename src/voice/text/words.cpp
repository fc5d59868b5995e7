#include "voice/text/words.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace parley::voice::text {
namespace {

constexpr std::array<std::string_view, 10> kDigits = {"zero", "one", "two",   "three", "four",
                                                      "five", "six", "seven", "eight", "nine"};
constexpr std::array<std::string_view, 10> kTeens = {"ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                                     "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<std::string_view, 8> kTens = {"twenty", "thirty", "forty", "fifty",
                                                   "sixty",  "seventy", "eighty", "ninety"};

template <std::size_t N>
std::optional<int> index_in(const std::array<std::string_view, N>& list, std::string_view w) {
  for (std::size_t i = 0; i < N; ++i) {
    if (list[i] == w) return static_cast<int>(i);
  }
  return std::nullopt;
}

void flush(std::string& cur, std::vector<std::string>& out) {
  while (!cur.empty() && cur.back() == '\'') cur.pop_back();
  while (!cur.empty() && cur.front() == '\'') cur.erase(cur.begin());
  if (!cur.empty()) out.push_back(std::move(cur));
  cur.clear();
}

}  // namespace

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '{') {  // a slot placeholder stays one token
      std::size_t close = s.find('}', i);
      if (close != std::string_view::npos) {
        flush(cur, out);
        std::string name(s.substr(i + 1, close - i - 1));
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (!name.empty()) out.push_back("{" + name + "}");
        i = close;
        continue;
      }
    }
    if (std::isdigit(c)) {
      flush(cur, out);
      out.emplace_back(kDigits[c - '0']);
    } else if (std::isalpha(c) || c >= 0x80 || c == '\'' || c == '_') {
      cur.push_back(static_cast<char>(std::tolower(c)));
    } else {
      flush(cur, out);
    }
  }
  flush(cur, out);
  return out;
}

std::string join(const std::vector<std::string>& ws, std::string_view sep) {
  std::string out;
  for (const auto& w : ws) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

std::optional<std::string_view> placeholder(std::string_view token) {
  if (token.size() > 2 && token.front() == '{' && token.back() == '}') return token.substr(1, token.size() - 2);
  return std::nullopt;
}

const std::vector<std::string>& digit_words() {
  static const std::vector<std::string> kWords(kDigits.begin(), kDigits.end());
  return kWords;
}

std::optional<char> digit_of(std::string_view w) {
  if (w == "oh") return '0';
  if (auto i = index_in(kDigits, w)) return static_cast<char>('0' + *i);
  return std::nullopt;
}

std::optional<std::string> digits_of(const std::vector<std::string>& ws) {
  if (ws.empty()) return std::nullopt;
  std::string out;
  for (const auto& w : ws) {
    auto d = digit_of(w);
    if (!d) return std::nullopt;
    out.push_back(*d);
  }
  return out;
}

const std::vector<std::string>& number_words() {
  static const std::vector<std::string> kWords = [] {
    std::vector<std::string> v(kDigits.begin(), kDigits.end());
    v.insert(v.end(), kTeens.begin(), kTeens.end());
    v.insert(v.end(), kTens.begin(), kTens.end());
    v.insert(v.end(), {"hundred", "thousand", "and"});
    return v;
  }();
  return kWords;
}

std::optional<long> number_of(const std::vector<std::string>& ws) {
  if (ws.empty()) return std::nullopt;
  long total = 0;    // completed thousands
  long current = 0;  // below one thousand
  bool any = false;
  bool last_and = false;
  int last_kind = -1;  // 0 unit, 1 teen, 2 ten, 3 hundred, 4 thousand: forbids "five five", "twenty thirty"
  for (const auto& w : ws) {
    last_and = false;
    if (w == "and") {
      if (!any) return std::nullopt;
      last_and = true;
      continue;
    }
    if (auto d = index_in(kDigits, w)) {
      if (last_kind == 0 || last_kind == 1) return std::nullopt;
      current += *d;
      last_kind = 0;
    } else if (auto t = index_in(kTeens, w)) {
      if (last_kind == 0 || last_kind == 1 || last_kind == 2) return std::nullopt;
      current += 10 + *t;
      last_kind = 1;
    } else if (auto t = index_in(kTens, w)) {
      if (last_kind == 0 || last_kind == 1 || last_kind == 2) return std::nullopt;
      current += 20 + 10L * *t;
      last_kind = 2;
    } else if (w == "hundred") {
      if (last_kind != 0 || current % 100 == 0 || current >= 10) return std::nullopt;
      current *= 100;
      last_kind = 3;
    } else if (w == "thousand") {
      if (!any || total > 0 || current == 0) return std::nullopt;
      total = current * 1000;
      current = 0;
      last_kind = 4;
    } else {
      return std::nullopt;
    }
    any = true;
  }
  if (!any || last_and) return std::nullopt;
  return total + current;
}

std::size_t edit_distance(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace parley::voice::text
