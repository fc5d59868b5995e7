// Load benchmark for MediaSession: N concurrent G.711 calls in echo mode with stereo recording, on M
// I/O contexts, driven by N UDP "callers" on a thread of their own (its CPU is not counted). Prints one
// line of key=value figures: loss both ways, jitter-buffer delay, late ticks and CPU per call.
//
//   media_echo_load --calls 500 --contexts 2 --seconds 10 [--record-dir DIR] [--warmup 2]
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <memory>
#include <numbers>
#include <cmath>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/worker_pool.hpp"
#include "media/audio_format.hpp"
#include "media/codec/codec_factory.hpp"
#include "media/ports/port_allocator.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/session/media_session.hpp"
#include "net/io_runtime.hpp"

namespace {

namespace asio = boost::asio;
using Udp = asio::ip::udp;
using Clock = std::chrono::steady_clock;
using namespace parley;
using namespace std::chrono_literals;

struct Options {
  int calls = 100;
  int contexts = 2;
  int seconds = 10;
  int warmup = 2;
  std::string record_dir;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--calls") o.calls = std::stoi(value);
    else if (key == "--contexts") o.contexts = std::stoi(value);
    else if (key == "--seconds") o.seconds = std::stoi(value);
    else if (key == "--warmup") o.warmup = std::stoi(value);
    else if (key == "--record-dir") o.record_dir = value;
  }
  return o;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Runs `f` on `io`'s thread and waits for its result (bounded: the contexts are running).
template <class F>
auto on(asio::io_context& io, F f) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  asio::post(io, [&task] { task(); });
  if (result.wait_for(30s) != std::future_status::ready) {
    std::fprintf(stderr, "media_echo_load: an I/O context did not answer in 30 s\n");
    std::exit(2);
  }
  return result.get();
}

// One UDP caller: sends a PCMU frame every 20 ms (driven by the shared caller clock), counts the echo.
struct Caller {
  explicit Caller(asio::io_context& io) : socket(io, Udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  Udp::socket socket;
  Udp::endpoint target;
  Udp::endpoint from;
  std::array<std::uint8_t, 512> rx{};
  std::uint16_t sequence = 1;
  std::uint32_t timestamp = 0;
  std::uint64_t sent = 0;
  std::uint64_t received = 0;

  void receive() {
    socket.async_receive_from(asio::buffer(rx), from, [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec && !media::rtp::is_rtcp(std::span(rx).first(n))) ++received;
      receive();
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  spdlog::set_level(spdlog::level::warn);  // one info line per session start/stop would swamp the figures

  // 50 PCMU frames of a 300 Hz tone + harmonics, looped by every caller.
  auto encoder = std::move(*media::codec::make_codec("PCMU", 0));
  std::vector<std::vector<std::uint8_t>> frames(50);
  for (int f = 0; f < 50; ++f) {
    std::array<std::int16_t, media::kFrameSamples> pcm{};
    for (std::size_t i = 0; i < pcm.size(); ++i) {
      const double t = static_cast<double>(f * media::kFrameSamples + i) / media::kSampleRate;
      pcm[i] = static_cast<std::int16_t>(6000 * std::sin(2 * std::numbers::pi * 300 * t) +
                                         2000 * std::sin(2 * std::numbers::pi * 900 * t));
    }
    frames[f].resize(160);
    frames[f].resize(*encoder->encode(pcm, frames[f]));
  }

  net::IoRuntime runtime(static_cast<std::size_t>(options.contexts));
  runtime.start();
  core::WorkerPool workers(1, 8192);
  auto ports = media::ports::PortAllocator::create(20000, 39999);
  if (!ports) return 2;

  asio::io_context caller_io;
  std::vector<std::unique_ptr<Caller>> callers;
  std::vector<std::optional<media::session::MediaSession>> sessions(static_cast<std::size_t>(options.calls));
  for (int i = 0; i < options.calls; ++i) {
    callers.push_back(std::make_unique<Caller>(caller_io));
    auto& io = runtime.at(static_cast<std::size_t>(i) % runtime.size());
    media::session::MediaSessionConfig config;
    config.call_id = "load_" + std::to_string(i);
    config.bind_address = "127.0.0.1";
    config.test_mode.kind = media::session::TestModeKind::echo;
    config.workers = &workers;
    if (!options.record_dir.empty()) {
      config.recording_path = std::filesystem::path(options.record_dir) / (config.call_id + ".wav");
    }
    media::sdp::NegotiatedMedia media;
    media.remote_address = "127.0.0.1";
    media.remote_rtp_port = media.remote_rtcp_port = callers.back()->socket.local_endpoint().port();
    media.rtcp_mux = true;
    media.codec = {"PCMU", 0, 8000, 1, ""};
    media.telephone_event_pt = 101;
    std::uint16_t port = 0;
    for (int attempt = 0; attempt < 20 && port == 0; ++attempt) {
      auto lease = ports->allocate();
      if (!lease) break;
      port = on(io, [&] () -> std::uint16_t {
        auto session = media::session::MediaSession::create(io, std::move(*lease), config);
        if (!session || !session->start(media)) return 0;
        auto p = session->local_rtp_port();
        sessions[static_cast<std::size_t>(i)].emplace(std::move(*session));
        return p;
      });
    }
    if (port == 0) {
      std::fprintf(stderr, "media_echo_load: could not open session %d\n", i);
      return 2;
    }
    callers.back()->target = Udp::endpoint(asio::ip::make_address("127.0.0.1"), port);
    callers.back()->receive();
  }

  // The caller clock: 10 slots of 2 ms, each sending for a tenth of the callers, on absolute deadlines.
  constexpr int kSlots = 10;
  asio::steady_timer timer(caller_io);
  const auto start = Clock::now();
  std::uint64_t tick = 0;
  std::function<void()> on_tick = [&] {
    const auto slot = static_cast<int>(tick % kSlots);
    const auto frame = static_cast<std::size_t>((tick / kSlots) % frames.size());
    std::array<std::uint8_t, 256> packet{};
    for (std::size_t c = static_cast<std::size_t>(slot); c < callers.size(); c += kSlots) {
      auto& caller = *callers[c];
      media::rtp::RtpHeader header;
      header.payload_type = 0;
      header.sequence = caller.sequence++;
      header.timestamp = caller.timestamp;
      header.ssrc = static_cast<std::uint32_t>(0x10000 + c);
      caller.timestamp += 160;
      const auto size = *media::rtp::build_rtp(header, frames[frame], packet);
      boost::system::error_code ec;
      caller.socket.send_to(asio::buffer(packet.data(), size), caller.target, 0, ec);
      if (!ec) ++caller.sent;
    }
    ++tick;
    timer.expires_at(start + 2ms * tick);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) on_tick();
    });
  };
  on_tick();
  std::thread caller_thread([&] { caller_io.run(); });

  std::this_thread::sleep_for(std::chrono::seconds(options.warmup));
  struct Snapshot {
    std::uint64_t received = 0, lost = 0, late = 0, echo = 0;
    double cpu = 0, worker_cpu = 0;
  };
  auto snapshot = [&] {
    Snapshot s;
    for (std::size_t k = 0; k < runtime.size(); ++k) {
      s.cpu += on(runtime.at(k), [&] {
        for (std::size_t i = k; i < sessions.size(); i += runtime.size()) {
          const auto q = sessions[i]->quality();
          s.received += q.packets_received;
          s.lost += q.packets_lost;
          s.late += q.frames_late;
        }
        return thread_cpu_seconds();
      });
    }
    s.echo = on(caller_io, [&] {
      std::uint64_t n = 0;
      for (const auto& caller : callers) n += caller->received;
      return n;
    });
    std::promise<double> worker_cpu;
    auto future = worker_cpu.get_future();
    if (workers.try_submit([&] { worker_cpu.set_value(thread_cpu_seconds()); }) && future.wait_for(30s) == std::future_status::ready) {
      s.worker_cpu = future.get();
    }
    return s;
  };
  const auto before = snapshot();
  const auto window_start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(options.seconds));
  const auto after = snapshot();
  const double window = std::chrono::duration<double>(Clock::now() - window_start).count();

  double delay_sum = 0;
  int delay_max = 0;
  for (std::size_t k = 0; k < runtime.size(); ++k) {
    on(runtime.at(k), [&] {
      for (std::size_t i = k; i < sessions.size(); i += runtime.size()) {
        const auto q = sessions[i]->quality();
        delay_sum += q.jitter_buffer_delay_ms;
        delay_max = std::max(delay_max, q.jitter_buffer_max_delay_ms);
        sessions[i]->stop();
      }
      return 0;
    });
  }
  caller_io.stop();
  caller_thread.join();
  workers.stop();  // the recordings complete
  for (std::size_t k = 0; k < runtime.size(); ++k) {
    on(runtime.at(k), [&] {
      for (std::size_t i = k; i < sessions.size(); i += runtime.size()) sessions[i].reset();
      return 0;
    });
  }
  runtime.stop();

  const double calls = options.calls;
  const double expected = calls * window * 50.0;  // packets each way in the window
  const double received = static_cast<double>(after.received - before.received);
  const double lost = static_cast<double>(after.lost - before.lost);
  const double loss_in = 100.0 * lost / std::max(1.0, received + lost);
  const double echo = static_cast<double>(after.echo - before.echo);
  const double loss_echo = std::max(0.0, 100.0 * (1.0 - echo / expected));
  const double io_cpu = 100.0 * (after.cpu - before.cpu) / window;  // % of one core, all contexts
  const double worker_cpu = 100.0 * (after.worker_cpu - before.worker_cpu) / window;
  const double per_call = (io_cpu + worker_cpu) / calls;
  const double delay_mean = delay_sum / calls;
  const bool pass = loss_in < 1.0 && loss_echo < 1.0 && delay_mean < 60.0;
  std::printf(
      "calls=%d contexts=%d seconds=%.1f recording=%d loss_in_pct=%.3f loss_echo_pct=%.3f jb_delay_ms_mean=%.1f "
      "jb_delay_ms_max=%d frames_late=%llu io_cpu_pct=%.1f worker_cpu_pct=%.1f cpu_per_call_pct=%.3f "
      "calls_per_core_at_cpu=%.0f pass=%d\n",
      options.calls, options.contexts, window, options.record_dir.empty() ? 0 : 1, loss_in, loss_echo, delay_mean,
      delay_max, static_cast<unsigned long long>(after.late - before.late), io_cpu, worker_cpu, per_call,
      per_call > 0 ? 100.0 / per_call : 0.0, pass ? 1 : 0);
  return pass ? 0 : 1;
}
