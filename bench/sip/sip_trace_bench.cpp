// What SIP traces cost the SIP thread (call::SipTraceRecorder::on_message, the transport tap):
// with no trunk traced, for a message from a peer that is not traced, and for a traced message
// (parse for the Call-ID, copy, hand to the writer's queue); and sip::redact_credentials, which
// the writer runs on the worker pool for every stored message.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "call/sip_trace_recorder.hpp"
#include "core/ids.hpp"
#include "sip/message/redact.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using namespace parley;

std::string corpus_invite() {
  std::ifstream in(std::string(PARLEY_CORPUS_DIR) + "/invite.sip", std::ios::binary);
  std::string m((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A challenged INVITE: credentials that the writer must redact.
  const auto at = m.find("\r\nCSeq:");
  m.insert(at, "\r\nProxy-Authorization: Digest username=\"trunkuser\", realm=\"carrier.example.net\", "
               "nonce=\"4f5a1b2c3d\", uri=\"sip:+14155550199@parley.example.com\", "
               "response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001");
  return m;
}

// Every traced message must fit the writer's queue, or the figure would be the cheaper drop path.
constexpr int kTracedIterations = 20'000;

struct Fixture {
  Fixture() : dir(std::filesystem::temp_directory_path() / ("parley_bench_" + core::random_token(8))) {
    std::filesystem::create_directories(dir);
    store = std::move(*store::sqlite::SqliteStore::open((dir / "b.db").string()));
    (void)store->migrate();
    writer = call::SipTraceWriter::create(*store, pool, kTracedIterations);
  }
  ~Fixture() {
    pool.stop();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  std::unique_ptr<store::sqlite::SqliteStore> store;
  core::WorkerPool pool{1, 1024};
  std::shared_ptr<call::SipTraceWriter> writer;
  call::TrunkBindings bindings;
};

const sip::Peer kCarrier = *sip::make_peer("203.0.113.5", 5060, sip::Transport::udp);
const sip::Peer kOther = *sip::make_peer("198.51.100.99", 5060, sip::Transport::udp);

void BM_TapNothingTraced(benchmark::State& state) {
  Fixture f;
  call::SipTraceRecorder recorder(f.writer, f.bindings);
  const std::string m = corpus_invite();
  for (auto _ : state) recorder.on_message(sip::Direction::in, kCarrier, m);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TapNothingTraced);

void BM_TapUntracedPeer(benchmark::State& state) {
  Fixture f;
  call::SipTraceRecorder recorder(f.writer, f.bindings);
  recorder.set_traced({call::TracedTrunk{"sp_a", {kCarrier.address}, {}}});
  const std::string m = corpus_invite();
  for (auto _ : state) recorder.on_message(sip::Direction::in, kOther, m);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TapUntracedPeer);

void BM_TapTracedMessage(benchmark::State& state) {
  Fixture f;
  call::SipTraceRecorder recorder(f.writer, f.bindings);
  recorder.set_traced({call::TracedTrunk{"sp_a", {kCarrier.address}, {}}});
  const std::string m = corpus_invite();
  for (auto _ : state) recorder.on_message(sip::Direction::in, kCarrier, m);
  state.SetItemsProcessed(state.iterations());
  state.counters["dropped"] = static_cast<double>(f.writer->dropped());
}
BENCHMARK(BM_TapTracedMessage)->Iterations(kTracedIterations);

void BM_RedactInvite(benchmark::State& state) {
  const std::string m = corpus_invite();
  for (auto _ : state) benchmark::DoNotOptimize(sip::redact_credentials(m));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(m.size()));
}
BENCHMARK(BM_RedactInvite);

}  // namespace

BENCHMARK_MAIN();
