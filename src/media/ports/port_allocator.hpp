#pragma once
// RTP/RTCP port pairs from a configured range: even RTP port, RTCP on the next odd one (RFC 3550 s11).
// Thread-safe; a lease returns its pair when destroyed, and stays valid after the allocator is gone.
#include <cstdint>
#include <memory>

#include "core/error.hpp"

namespace parley::media::ports {

namespace detail {
class PortPool;
}

class PortLease {
 public:
  PortLease() = default;
  PortLease(PortLease&& other) noexcept;
  PortLease& operator=(PortLease&& other) noexcept;
  PortLease(const PortLease&) = delete;
  PortLease& operator=(const PortLease&) = delete;
  ~PortLease();

  std::uint16_t rtp_port() const noexcept { return rtp_port_; }
  std::uint16_t rtcp_port() const noexcept { return static_cast<std::uint16_t>(rtp_port_ + 1); }
  explicit operator bool() const noexcept { return pool_ != nullptr; }
  // Gives the pair back now instead of at destruction.
  void release() noexcept;

 private:
  friend class PortAllocator;
  PortLease(std::shared_ptr<detail::PortPool> pool, std::uint16_t rtp_port) noexcept
      : pool_(std::move(pool)), rtp_port_(rtp_port) {}

  std::shared_ptr<detail::PortPool> pool_;
  std::uint16_t rtp_port_ = 0;
};

class PortAllocator {
 public:
  // The range is inclusive; pairs whose RTCP port would fall outside it are not used.
  static core::Result<PortAllocator> create(std::uint16_t first, std::uint16_t last);

  // Errc::unavailable when every pair is leased. Pairs are handed out round-robin, so a released
  // pair is the last to be reused (late packets of an ended call do not reach a new one).
  core::Result<PortLease> allocate();

  std::size_t capacity() const noexcept;
  std::size_t in_use() const noexcept;

 private:
  explicit PortAllocator(std::shared_ptr<detail::PortPool> pool) : pool_(std::move(pool)) {}
  std::shared_ptr<detail::PortPool> pool_;
};

}  // namespace parley::media::ports
