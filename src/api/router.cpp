#include "api/router.hpp"

namespace parley::api {
namespace {
std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    auto next = path.find('/', pos);
    out.emplace_back(path.substr(pos, next - pos));
    if (next == std::string_view::npos) break;
    pos = next;
  }
  return out;
}
}  // namespace

void Router::add(Route route) {
  segments_.push_back(split(route.pattern));
  routes_.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  auto parts = split(path);
  if (path.size() > 1 && path.back() == '/') return m;  // one canonical form per resource
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& segs = segments_[i];
    if (segs.size() != parts.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (std::size_t j = 0; j < segs.size() && ok; ++j) {
      if (segs[j].size() > 2 && segs[j].front() == '{') {
        params.push_back(parts[j]);
      } else {
        ok = segs[j] == parts[j];
      }
    }
    if (!ok) continue;
    if (routes_[i].method == method) {
      m.route = &routes_[i];
      m.params = std::move(params);
      return m;
    }
    m.allow += (m.allow.empty() ? "" : ", ") + routes_[i].method;
  }
  return m;
}

}  // namespace parley::api
