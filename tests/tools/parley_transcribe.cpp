// parley_transcribe: what PocketSphinx hears in a WAV file (8 or 16 kHz, or any rate; mono or the
// first channel). For integration tests that check what a SIP peer heard (Debian 12 ships no
// pocketsphinx CLI).
//
//   parley_transcribe in.wav                        open dictation (generic LM)
//   parley_transcribe in.wav --grammar g.gram       one utterance of a JSGF grammar
//   parley_transcribe in.wav --words calling --words order
//                                                   keyword spotting: prints the keywords heard, in
//                                                   order (single words work best; for sentences
//                                                   the plain LM transcription is more reliable)
//   --narrowband none|fold|native8k                 front end for 8 kHz audio (default: fold when the
//                                                   file is 8 kHz, else none)
//   --threshold 1e-20                               keyword spotting threshold
// Prints the hypothesis on stdout (one line); exit 0, or 2 for bad usage / unreadable input.
#include <sndfile.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "voice/audio/pcm.hpp"
#include "voice/stt/sphinx_recognizer.hpp"
#include "voice/text/words.hpp"

using namespace parley;

namespace {

int usage(const char* msg) {
  std::fprintf(stderr,
               "parley_transcribe: %s\nusage: parley_transcribe IN.wav [--grammar FILE.gram | --words PHRASE ...] "
               "[--narrowband none|fold|native8k] [--threshold X]\n",
               msg);
  return 2;
}

bool read_wav(const std::string& path, std::vector<std::int16_t>& pcm, int& rate) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f == nullptr) return false;
  std::vector<std::int16_t> frames(static_cast<std::size_t>(info.frames) * static_cast<std::size_t>(info.channels));
  sf_count_t n = sf_readf_short(f, frames.data(), info.frames);
  sf_close(f);
  pcm.resize(static_cast<std::size_t>(n));
  for (sf_count_t i = 0; i < n; ++i) pcm[static_cast<std::size_t>(i)] = frames[static_cast<std::size_t>(i * info.channels)];
  rate = info.samplerate;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("missing input file");
  std::string input;
  voice::SphinxConfig cfg;
  std::string narrowband;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--grammar") {
      const char* v = value();
      if (v == nullptr) return usage("--grammar needs a file");
      std::ifstream in(v);
      if (!in) return usage("cannot read the grammar file");
      std::stringstream ss;
      ss << in.rdbuf();
      cfg.search = voice::SphinxSearch::grammar;
      cfg.jsgf = ss.str();
    } else if (a == "--words") {
      const char* v = value();
      if (v == nullptr) return usage("--words needs a phrase");
      cfg.search = voice::SphinxSearch::keyphrase;
      cfg.keyphrases.push_back(voice::text::join(voice::text::words(v)));
    } else if (a == "--narrowband") {
      const char* v = value();
      if (v == nullptr) return usage("--narrowband needs none, fold or native8k");
      narrowband = v;
    } else if (a == "--threshold") {
      const char* v = value();
      if (v == nullptr) return usage("--threshold needs a number");
      cfg.keyphrase_threshold = std::atof(v);
    } else if (!a.empty() && a[0] == '-') {
      return usage(("unknown option " + a).c_str());
    } else {
      input = a;
    }
  }
  std::vector<std::int16_t> pcm;
  int rate = 0;
  if (input.empty() || !read_wav(input, pcm, rate)) return usage("cannot read the WAV file");
  if (narrowband.empty()) narrowband = rate <= 8000 ? "fold" : "none";
  if (narrowband == "fold") {
    cfg.narrowband = voice::NarrowbandMode::fold;
  } else if (narrowband == "native8k") {
    cfg.narrowband = voice::NarrowbandMode::native8k;
  } else if (narrowband != "none") {
    return usage("--narrowband must be none, fold or native8k");
  }
  auto wide = voice::audio::to_16k(pcm, rate);
  if (!wide) return usage(wide.error().message.c_str());
  auto rec = voice::SphinxRecognizer::create(cfg);
  if (!rec) return usage(rec.error().message.c_str());
  if (auto s = rec->start(); !s) return usage(s.error().message.c_str());
  for (std::size_t off = 0; off < wide->size(); off += 320) {
    std::size_t n = std::min<std::size_t>(320, wide->size() - off);
    if (auto s = rec->process(std::span(*wide).subspan(off, n)); !s) return usage(s.error().message.c_str());
  }
  auto hyp = rec->finish();
  if (!hyp) return usage(hyp.error().message.c_str());
  std::cout << hyp->text << "\n";
  return 0;
}
