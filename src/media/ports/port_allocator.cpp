#include "media/ports/port_allocator.hpp"

#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace parley::media::ports {
namespace detail {

class PortPool {
 public:
  PortPool(std::uint16_t first_even, std::size_t pairs) : first_(first_even), used_(pairs, false) {}

  std::optional<std::uint16_t> take() {
    std::lock_guard lock(mutex_);
    for (std::size_t tried = 0; tried < used_.size(); ++tried) {
      const std::size_t index = next_;
      next_ = (next_ + 1) % used_.size();
      if (!used_[index]) {
        used_[index] = true;
        ++in_use_;
        return static_cast<std::uint16_t>(first_ + 2 * index);
      }
    }
    return std::nullopt;
  }

  void give_back(std::uint16_t port) {
    std::lock_guard lock(mutex_);
    const std::size_t index = (port - first_) / 2;
    if (index < used_.size() && used_[index]) {
      used_[index] = false;
      --in_use_;
    }
  }

  std::size_t capacity() const { return used_.size(); }
  std::size_t in_use() const {
    std::lock_guard lock(mutex_);
    return in_use_;
  }

 private:
  const std::uint16_t first_;
  mutable std::mutex mutex_;
  std::vector<bool> used_;
  std::size_t next_ = 0;
  std::size_t in_use_ = 0;
};

}  // namespace detail

PortLease::PortLease(PortLease&& other) noexcept
    : pool_(std::move(other.pool_)), rtp_port_(std::exchange(other.rtp_port_, 0)) {}

PortLease& PortLease::operator=(PortLease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    rtp_port_ = std::exchange(other.rtp_port_, 0);
  }
  return *this;
}

PortLease::~PortLease() { release(); }

void PortLease::release() noexcept {
  if (pool_) pool_->give_back(rtp_port_);
  pool_.reset();
  rtp_port_ = 0;
}

core::Result<PortAllocator> PortAllocator::create(std::uint16_t first, std::uint16_t last) {
  const std::uint32_t first_even = (first + 1u) & ~1u;
  if (first == 0 || last < first || first_even + 1 > last) {
    return core::fail(core::Errc::invalid_argument, "port range must hold at least one even/odd pair", "rtp_ports");
  }
  const std::size_t pairs = (last - first_even + 1u) / 2;
  return PortAllocator(std::make_shared<detail::PortPool>(static_cast<std::uint16_t>(first_even), pairs));
}

core::Result<PortLease> PortAllocator::allocate() {
  const auto port = pool_->take();
  if (!port) return core::fail(core::Errc::unavailable, "no free RTP port pair", "rtp_ports");
  return PortLease(pool_, *port);
}

std::size_t PortAllocator::capacity() const noexcept { return pool_->capacity(); }
std::size_t PortAllocator::in_use() const noexcept { return pool_->in_use(); }

}  // namespace parley::media::ports
