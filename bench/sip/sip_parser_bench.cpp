// SIP parser throughput on a realistic corpus (INVITE with SDP, 200 OK, ACK, BYE): Parley vs
// libosip2 (osip_message_parse) vs sofia-sip (msg_make + sip_t). Each iteration parses the four
// messages and reads what a transaction layer needs: top Via branch, Call-ID, CSeq, From/To tags.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>

#include "sip/message/parser.hpp"

namespace {

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> messages = [] {
    std::vector<std::string> out;
    for (const char* name : {"invite", "ok200", "ack", "bye"}) {
      std::ifstream in(std::string(PARLEY_CORPUS_DIR) + "/" + name + ".sip", std::ios::binary);
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
  }();
  return messages;
}

void finish(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(corpus().size()));
}

void BM_Parley(benchmark::State& state) {
  const auto& msgs = corpus();
  for (auto _ : state) {
    for (const std::string& data : msgs) {
      auto m = parley::sip::parse_message(data, parley::sip::Framing::datagram);
      if (!m) state.SkipWithError("parley parse failed");
      benchmark::DoNotOptimize(m->top_via().branch());
      benchmark::DoNotOptimize(m->call_id());
      benchmark::DoNotOptimize(m->cseq().number);
      benchmark::DoNotOptimize(m->from().tag());
      benchmark::DoNotOptimize(m->to().tag());
    }
  }
  finish(state);
}
BENCHMARK(BM_Parley);

// Parley plus validate(): every known header parsed structurally, as the other two do.
void BM_ParleyValidated(benchmark::State& state) {
  const auto& msgs = corpus();
  for (auto _ : state) {
    for (const std::string& data : msgs) {
      auto m = parley::sip::parse_message(data, parley::sip::Framing::datagram);
      if (!m || !parley::sip::validate(*m)) state.SkipWithError("parley parse failed");
      benchmark::DoNotOptimize(m->top_via().branch());
      benchmark::DoNotOptimize(m->call_id());
      benchmark::DoNotOptimize(m->cseq().number);
      benchmark::DoNotOptimize(m->from().tag());
      benchmark::DoNotOptimize(m->to().tag());
    }
  }
  finish(state);
}
BENCHMARK(BM_ParleyValidated);

void BM_Osip2(benchmark::State& state) {
  parser_init();
  const auto& msgs = corpus();
  for (auto _ : state) {
    for (const std::string& data : msgs) {
      osip_message_t* sip = nullptr;
      osip_message_init(&sip);
      if (osip_message_parse(sip, data.data(), data.size()) != 0) state.SkipWithError("osip parse failed");
      osip_via_t* via = nullptr;
      osip_generic_param_t* branch = nullptr;
      osip_message_get_via(sip, 0, &via);
      if (via != nullptr) osip_via_param_get_byname(via, const_cast<char*>("branch"), &branch);
      osip_generic_param_t* from_tag = nullptr;
      osip_generic_param_t* to_tag = nullptr;
      osip_from_param_get_byname(osip_message_get_from(sip), const_cast<char*>("tag"), &from_tag);
      osip_to_param_get_byname(osip_message_get_to(sip), const_cast<char*>("tag"), &to_tag);
      benchmark::DoNotOptimize(branch);
      benchmark::DoNotOptimize(osip_call_id_get_number(osip_message_get_call_id(sip)));
      benchmark::DoNotOptimize(osip_cseq_get_number(osip_message_get_cseq(sip)));
      benchmark::DoNotOptimize(from_tag);
      benchmark::DoNotOptimize(to_tag);
      osip_message_free(sip);
    }
  }
  finish(state);
}
BENCHMARK(BM_Osip2);

void BM_SofiaSip(benchmark::State& state) {
  const auto& msgs = corpus();
  msg_mclass_t const* mclass = sip_default_mclass();
  for (auto _ : state) {
    for (const std::string& data : msgs) {
      msg_t* msg = msg_make(mclass, 0, data.data(), static_cast<ssize_t>(data.size()));
      sip_t const* sip = msg != nullptr ? sip_object(msg) : nullptr;
      if (sip == nullptr || sip->sip_via == nullptr || sip->sip_cseq == nullptr) {
        state.SkipWithError("sofia parse failed");
        break;
      }
      benchmark::DoNotOptimize(sip->sip_via->v_branch);
      benchmark::DoNotOptimize(sip->sip_call_id->i_id);
      benchmark::DoNotOptimize(sip->sip_cseq->cs_seq);
      benchmark::DoNotOptimize(sip->sip_from->a_tag);
      benchmark::DoNotOptimize(sip->sip_to->a_tag);
      msg_destroy(msg);
    }
  }
  finish(state);
}
BENCHMARK(BM_SofiaSip);

}  // namespace

BENCHMARK_MAIN();
