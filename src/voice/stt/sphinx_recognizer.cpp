#include "voice/stt/sphinx_recognizer.hpp"

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/fsg_model.h>
#include <sphinxbase/jsgf.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <type_traits>
#include <unordered_map>

#include "media/dsp/resampler.hpp"
#include "voice/text/words.hpp"

namespace parley::voice {
namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

const std::string kModelDir = PARLEY_POCKETSPHINX_MODELDIR;
const std::string kHmm = kModelDir + "/en-us/en-us";
const std::string kDict = kModelDir + "/en-us/cmudict-en-us.dict";
const std::string kLm = kModelDir + "/en-us/en-us.lm.bin";
constexpr std::size_t kMaxSearchesPerDecoder = 8;
constexpr std::size_t kMaxIdlePerKind = 32;

static_assert(std::is_same_v<mfcc_t, float>, "sphinxbase built with FIXED_POINT is not supported");

// The settings a decoder is created with (decoders are pooled per kind). Dictation decoders are a
// kind of their own: each loads the generic language model once (~0.35 s, tens of MB), which the
// grammar and phone-loop decoders never need.
struct DecoderKind {
  bool native8k = false;
  bool remove_silence = true;
  bool dictation = false;
  std::size_t index() const { return (dictation ? 4U : 0U) + (native8k ? 2U : 0U) + (remove_silence ? 1U : 0U); }
};

struct Decoder {
  ps_decoder_t* ps = nullptr;
  std::vector<mfcc_t> cmn_initial;  // the model's cepstral mean (feat.params cmninit)
  DecoderKind kind;
  std::deque<std::string> searches;  // compiled grammars / keyphrase lists, oldest first
  bool has_lm = false;
  bool has_phones = false;
  ~Decoder() {
    if (ps != nullptr) ps_free(ps);
  }
};

// The model's feat.params with the upper filter edge inside 4 kHz (shared/notes s6: -upperf on the
// command line is overridden by feat.params, so an edited copy is needed for 8 kHz input).
core::Result<std::string> feat8k_params() {
  static std::once_flag once;
  static std::string path;
  static std::string error;
  std::call_once(once, [] {
    std::ifstream in(kHmm + "/feat.params");
    if (!in) {
      error = "cannot read " + kHmm + "/feat.params";
      return;
    }
    std::stringstream ss;
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with("-upperf")) line = "-upperf 3500";
      ss << line << "\n";
    }
    std::string dir_template = (fs::temp_directory_path() / "parley-sphinx-XXXXXX").string();
    if (mkdtemp(dir_template.data()) == nullptr) {
      error = "cannot create a temporary directory";
      return;
    }
    path = dir_template + "/feat8k.params";
    std::ofstream out(path);
    out << ss.str();
    if (!out) error = "cannot write " + path;
  });
  if (!error.empty()) return fail(Errc::unavailable, error);
  return path;
}

class DecoderPool {
 public:
  static DecoderPool& instance() {
    static DecoderPool pool;
    return pool;
  }

  core::Result<std::unique_ptr<Decoder>> acquire(DecoderKind kind) {
    {
      std::lock_guard lock(mu_);
      auto& idle = idle_[kind.index()];
      if (!idle.empty()) {
        auto d = std::move(idle.back());
        idle.pop_back();
        return d;
      }
    }
    return create(kind);
  }

  void release(std::unique_ptr<Decoder> d) {
    if (!d) return;
    std::lock_guard lock(mu_);
    auto& idle = idle_[d->kind.index()];
    if (idle.size() < kMaxIdlePerKind) idle.push_back(std::move(d));
  }

 private:
  core::Result<std::unique_ptr<Decoder>> create(DecoderKind kind) {
    // Decoder set-up touches sphinxbase globals (its log file): one at a time.
    std::lock_guard lock(create_mu_);
    err_set_logfp(nullptr);
    std::vector<std::string> args = {"parley", "-hmm", kHmm, "-dict", kDict, "-logfn", "/dev/null",
                                     "-remove_silence", kind.remove_silence ? "yes" : "no"};
    if (kind.native8k) {
      auto featparams = feat8k_params();
      if (!featparams) return std::unexpected(featparams.error());
      args.insert(args.end(), {"-samprate", "8000", "-nfft", "256", "-featparams", *featparams});
    } else {
      args.insert(args.end(), {"-samprate", "16000"});
    }
    std::vector<char*> argv;  // cmd_ln_parse_r skips argv[0], as a program's arguments
    for (auto& a : args) argv.push_back(a.data());
    cmd_ln_t* cfg = cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), TRUE);
    if (cfg == nullptr) return fail(Errc::unavailable, "pocketsphinx: bad decoder configuration");
    ps_decoder_t* ps = ps_init(cfg);
    cmd_ln_free_r(cfg);  // the decoder keeps its own reference
    if (ps == nullptr) return fail(Errc::unavailable, "pocketsphinx: cannot load the model in " + kHmm);
    auto d = std::make_unique<Decoder>();
    d->ps = ps;
    d->kind = kind;
    cmn_t* cmn = ps_get_feat(ps)->cmn_struct;
    d->cmn_initial.resize(static_cast<std::size_t>(cmn->veclen));
    cmn_live_get(cmn, d->cmn_initial.data());
    return d;
  }

  std::mutex mu_;
  std::mutex create_mu_;
  std::vector<std::unique_ptr<Decoder>> idle_[8];  // by DecoderKind::index()
};

// word -> phones of its first pronunciation ("word(2)" lines are alternatives).
const std::unordered_map<std::string, std::vector<std::string>>& dictionary() {
  static const std::unordered_map<std::string, std::vector<std::string>> words = [] {
    std::unordered_map<std::string, std::vector<std::string>> out;
    std::ifstream in(kDict);
    std::string line;
    while (std::getline(in, line)) {
      auto end = line.find_first_of(" \t(");
      if (end == 0 || end == std::string::npos) continue;
      std::istringstream in_phones(line.substr(line.find_first_of(" \t")));
      std::vector<std::string> phones;
      for (std::string p; in_phones >> p;) phones.push_back(p);
      out.emplace(line.substr(0, end), std::move(phones));
    }
    return out;
  }();
  return words;
}

// ps_set_jsgf_string of pocketsphinx 5prealpha never frees the parsed grammar (~25 KB a call, seen
// with LeakSanitizer): the same steps, with the free.
int set_jsgf(ps_decoder_t* ps, const char* name, const std::string& text) {
  jsgf_t* jsgf = jsgf_parse_string(text.c_str(), nullptr);
  if (jsgf == nullptr) return -1;
  int rc = -1;
  if (jsgf_rule_t* rule = jsgf_get_public_rule(jsgf)) {
    float lw = cmd_ln_float32_r(ps_get_config(ps), "-lw");
    if (fsg_model_t* fsg = jsgf_build_fsg(jsgf, rule, ps_get_logmath(ps), lw)) {
      rc = ps_set_fsg(ps, name, fsg);
      fsg_model_free(fsg);  // the search keeps its own reference
    }
  }
  jsgf_grammar_free(jsgf);
  return rc;
}

std::string hex_hash(std::string_view text) {
  std::ostringstream ss;
  ss << std::hex << std::hash<std::string_view>{}(text);
  return ss.str();
}

// Makes the search `cfg` asks for current on `d`, compiling it if this decoder has not yet.
core::Status select_search(Decoder& d, const SphinxConfig& cfg) {
  std::string name;
  if (cfg.search == SphinxSearch::lm) {
    if (!d.has_lm) {
      if (ps_set_lm_file(d.ps, "lm", kLm.c_str()) != 0) return fail(Errc::unavailable, "pocketsphinx: cannot load " + kLm);
      d.has_lm = true;
    }
    name = "lm";
  } else {
    std::string body = cfg.search == SphinxSearch::grammar ? cfg.jsgf : [&] {
      std::string s;
      char threshold[32];
      std::snprintf(threshold, sizeof threshold, "%g", cfg.keyphrase_threshold);
      for (const auto& k : cfg.keyphrases) s += k + " /" + threshold + "/\n";
      return s;
    }();
    if (body.empty()) return fail(Errc::invalid_argument, "pocketsphinx: empty grammar or keyphrase list");
    name = (cfg.search == SphinxSearch::grammar ? "g" : "k") + hex_hash(body);
    auto it = std::find(d.searches.begin(), d.searches.end(), name);
    if (it == d.searches.end()) {
      int rc = 0;
      if (cfg.search == SphinxSearch::grammar) {
        rc = set_jsgf(d.ps, name.c_str(), body);
      } else {  // keyword lists are read from a file only
        std::string path = (fs::temp_directory_path() / ("parley-kws-" + name + "-" + std::to_string(getpid()))).string();
        {
          std::ofstream out(path);
          out << body;
        }
        rc = ps_set_kws(d.ps, name.c_str(), path.c_str());
        std::error_code ec;
        fs::remove(path, ec);
      }
      if (rc != 0) return fail(Errc::invalid_argument, "pocketsphinx: the grammar does not compile");
      d.searches.push_back(name);
      while (d.searches.size() > kMaxSearchesPerDecoder) {
        ps_unset_search(d.ps, d.searches.front().c_str());
        d.searches.pop_front();
      }
    } else {  // most recently used last
      d.searches.erase(it);
      d.searches.push_back(name);
    }
  }
  if (ps_set_search(d.ps, name.c_str()) != 0) return fail(Errc::internal, "pocketsphinx: cannot select search " + name);
  return {};
}

// The free phone loop the grammar result is verified against: every phone of the en-us model as a
// one-phone "word" (phn_aa ...) in a JSGF loop. An FSG search, so it decodes as fast as a grammar;
// pocketsphinx's own allphone search ran at ~6x real time here.
constexpr const char* kPhones[] = {"AA", "AE", "AH", "AO", "AW", "AY", "B",  "CH", "D",  "DH", "EH", "ER", "EY",
                                   "F",  "G",  "HH", "IH", "IY", "JH", "K",  "L",  "M",  "N",  "NG", "OW", "OY",
                                   "P",  "R",  "S",  "SH", "T",  "TH", "UH", "UW", "V",  "W",  "Y",  "Z",  "ZH"};
constexpr std::string_view kPhoneWordPrefix = "phn_";

core::Status select_phone_loop(Decoder& d) {
  if (!d.has_phones) {
    std::string loop = "#JSGF V1.0;\ngrammar phones;\npublic <loop> = <p>+;\n<p> = ";
    bool first = true;
    for (const char* ph : kPhones) {
      std::string word(kPhoneWordPrefix);
      for (const char* c = ph; *c != '\0'; ++c) word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*c))));
      if (ps_add_word(d.ps, word.c_str(), ph, FALSE) < 0) return fail(Errc::internal, "pocketsphinx: cannot add " + word);
      loop += (first ? "" : " | ") + word;
      first = false;
    }
    loop += ";\n";
    if (set_jsgf(d.ps, "phones", loop) != 0) return fail(Errc::internal, "pocketsphinx: phone loop grammar");
    d.has_phones = true;
  }
  if (ps_set_search(d.ps, "phones") != 0) return fail(Errc::internal, "pocketsphinx: cannot select the phone loop");
  return {};
}

// Frames the phone loop spent in phones (not silence or noise).
int speech_frames(ps_decoder_t* ps) {
  int n = 0;
  for (ps_seg_t* seg = ps_seg_iter(ps); seg != nullptr; seg = ps_seg_next(seg)) {
    std::string_view w = ps_seg_word(seg);
    if (!w.starts_with(kPhoneWordPrefix)) continue;
    int sf = 0, ef = 0;
    ps_seg_frames(seg, &sf, &ef);
    n += ef - sf + 1;
  }
  return n;
}

std::string clean(const char* hyp, const std::vector<std::string>& garbage) {
  if (hyp == nullptr) return {};
  return strip_garbage(hyp, garbage);
}

std::vector<std::string> phones_of(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& w : text::words(text)) {
    auto ph = SphinxRecognizer::pronounce(w);
    if (ph.empty()) ph = {"?" + w};  // not in the dictionary: one phone that matches only itself
    out.insert(out.end(), ph.begin(), ph.end());
  }
  return out;
}

// SphinxConfig::dictation_check, on a hypothesis the grammar and the phone loop have scored.
// `margin`: verify_score over the verification threshold.
void cross_check(SphinxHypothesis& h, const SphinxConfig& cfg, const char* dictation, double margin) {
  h.dictation = dictation != nullptr ? dictation : "";
  if (!h.text.empty()) {
    auto grammar = phones_of(h.text);
    h.phone_distance = static_cast<double>(text::edit_distance(grammar, phones_of(h.dictation))) /
                       static_cast<double>(std::max<std::size_t>(1, grammar.size()));
    if (h.phone_distance > cfg.dictation_max_phone_distance && margin < cfg.dictation_overruled_margin) h.text.clear();
  }
  if (h.text.empty()) h.text = h.dictation;
}

}  // namespace

// ---- SpectralFolder ----

struct SpectralFolder::Impl {
  media::dsp::Resampler down = std::move(*media::dsp::Resampler::create(16000, 8000, 5));
  std::vector<std::int16_t> narrow;
};

SpectralFolder::SpectralFolder() : impl_(std::make_unique<Impl>()) {}
SpectralFolder::~SpectralFolder() = default;
SpectralFolder::SpectralFolder(SpectralFolder&&) noexcept = default;
SpectralFolder& SpectralFolder::operator=(SpectralFolder&&) noexcept = default;

std::vector<std::int16_t> SpectralFolder::decimate(std::span<const std::int16_t> pcm16k) {
  impl_->narrow.resize(pcm16k.size() / 2 + 16);
  std::size_t n = impl_->down.process(pcm16k, impl_->narrow);
  return {impl_->narrow.begin(), impl_->narrow.begin() + static_cast<std::ptrdiff_t>(n)};
}

std::vector<std::int16_t> SpectralFolder::process(std::span<const std::int16_t> pcm16k) {
  auto narrow = decimate(pcm16k);
  std::vector<std::int16_t> out(narrow.size() * 2, 0);
  for (std::size_t i = 0; i < narrow.size(); ++i) {
    // Zero insertion halves the level; x2 restores it (the image carries the other half).
    out[2 * i] = static_cast<std::int16_t>(std::clamp(2 * static_cast<int>(narrow[i]), -32768, 32767));
  }
  return out;
}

// ---- SphinxRecognizer ----

struct SphinxRecognizer::State {
  SphinxConfig config;
  std::unique_ptr<Decoder> decoder;
  std::unique_ptr<Decoder> phones;     // verify: the phone loop, fed the same audio
  std::unique_ptr<Decoder> dictation;  // dictation_check: the generic language model, fed the same audio
  // Live CMN adapts a decoder to the audio it heard; decoders are pooled across calls, so each
  // utterance starts from the call's own mean (set_cepstral_mean) or the model's.
  std::vector<mfcc_t> cmn;
  std::optional<SpectralFolder> folder;
  bool in_utterance = false;
  std::size_t samples = 0;  // 16 kHz samples of the utterance
  ~State() {
    DecoderPool::instance().release(std::move(decoder));
    DecoderPool::instance().release(std::move(phones));
    DecoderPool::instance().release(std::move(dictation));
  }
  // The decoders the utterance is fed to (null where a check is off).
  std::array<Decoder*, 3> all() const { return {decoder.get(), phones.get(), dictation.get()}; }
  void end_utterance() {
    for (Decoder* d : all()) {
      if (d != nullptr) ps_end_utt(d->ps);
    }
  }
};

core::Result<SphinxRecognizer> SphinxRecognizer::create(SphinxConfig config) {
  const DecoderKind kind{config.narrowband == NarrowbandMode::native8k, config.remove_silence};
  auto decoder = DecoderPool::instance().acquire(kind);
  if (!decoder) return std::unexpected(decoder.error());
  auto state = std::make_unique<State>();
  state->decoder = std::move(*decoder);
  if (auto s = select_search(*state->decoder, config); !s) return std::unexpected(s.error());
  if (config.verify && config.search == SphinxSearch::grammar) {
    auto phones = DecoderPool::instance().acquire(kind);
    if (!phones) return std::unexpected(phones.error());
    state->phones = std::move(*phones);
    if (auto s = select_phone_loop(*state->phones); !s) return std::unexpected(s.error());
    if (config.dictation_check) {
      DecoderKind dictation_kind = kind;
      dictation_kind.dictation = true;
      auto dictation = DecoderPool::instance().acquire(dictation_kind);
      if (!dictation) return std::unexpected(dictation.error());
      state->dictation = std::move(*dictation);
      if (auto s = select_search(*state->dictation, SphinxConfig{.search = SphinxSearch::lm}); !s) return std::unexpected(s.error());
    }
  }
  if (config.narrowband != NarrowbandMode::none) state->folder.emplace();
  state->config = std::move(config);
  return SphinxRecognizer(std::move(state));
}

SphinxRecognizer::SphinxRecognizer(std::unique_ptr<State> state) : state_(std::move(state)) {}
SphinxRecognizer::SphinxRecognizer(SphinxRecognizer&&) noexcept = default;
SphinxRecognizer& SphinxRecognizer::operator=(SphinxRecognizer&&) noexcept = default;
SphinxRecognizer::~SphinxRecognizer() {
  if (state_ && state_->in_utterance) state_->end_utterance();
}

core::Status SphinxRecognizer::start() {
  auto& s = *state_;
  if (s.in_utterance) s.end_utterance();
  for (Decoder* d : s.all()) {
    if (d == nullptr) continue;
    const auto& mean = s.cmn.size() == d->cmn_initial.size() ? s.cmn : d->cmn_initial;
    cmn_live_set(ps_get_feat(d->ps)->cmn_struct, mean.data());
    if (ps_start_utt(d->ps) != 0) return fail(Errc::internal, "pocketsphinx: cannot start an utterance");
  }
  s.in_utterance = true;
  s.samples = 0;
  if (s.folder) s.folder.emplace();  // fresh filter state per utterance
  return {};
}

core::Status SphinxRecognizer::process(std::span<const std::int16_t> pcm) {
  auto& s = *state_;
  if (!s.in_utterance) return fail(Errc::invalid_argument, "pocketsphinx: no utterance started");
  s.samples += pcm.size();
  std::vector<std::int16_t> transformed;
  std::span<const std::int16_t> in = pcm;
  if (s.config.narrowband == NarrowbandMode::fold) {
    transformed = s.folder->process(pcm);
    in = transformed;
  } else if (s.config.narrowband == NarrowbandMode::native8k) {
    transformed = s.folder->decimate(pcm);
    in = transformed;
  }
  for (Decoder* d : s.all()) {
    if (d != nullptr && ps_process_raw(d->ps, in.data(), in.size(), FALSE, FALSE) < 0) {
      return fail(Errc::internal, "pocketsphinx: decoding failed");
    }
  }
  return {};
}

std::string SphinxRecognizer::partial() {
  int32 score = 0;
  return clean(ps_get_hyp(state_->decoder->ps, &score), state_->config.garbage_words);
}

core::Result<SphinxHypothesis> SphinxRecognizer::finish() {
  auto& s = *state_;
  if (!s.in_utterance) return fail(Errc::invalid_argument, "pocketsphinx: no utterance started");
  s.in_utterance = false;
  for (Decoder* d : s.all()) {
    if (d != nullptr && ps_end_utt(d->ps) != 0) return fail(Errc::internal, "pocketsphinx: cannot end the utterance");
  }
  cmn_t* cmn = ps_get_feat(s.decoder->ps)->cmn_struct;
  s.cmn.resize(static_cast<std::size_t>(cmn->veclen));
  cmn_live_get(cmn, s.cmn.data());
  SphinxHypothesis h;
  int32 score = 0;
  const char* hyp = ps_get_hyp(s.decoder->ps, &score);
  std::string spotted;  // keyword spotting: the hypothesis is the last detection, the segments are all of them
  if (s.config.search == SphinxSearch::keyphrase) {
    for (ps_seg_t* seg = ps_seg_iter(s.decoder->ps); seg != nullptr; seg = ps_seg_next(seg)) {
      spotted += (spotted.empty() ? "" : " ") + std::string(ps_seg_word(seg));
    }
    hyp = spotted.c_str();
  }
  bool any = hyp != nullptr && *hyp != '\0';
  h.raw = any ? hyp : "";
  h.text = clean(hyp, s.config.garbage_words);
  if (s.dictation) h.grammar_text = h.text;
  h.audio_seconds = static_cast<double>(s.samples) / 16000.0;
  h.decoded_frames = ps_get_n_frames(s.decoder->ps);
  if (any && s.phones) {
    ps_decoder_t* loop = s.phones->ps;
    int32 phone_score = 0;
    ps_get_hyp(loop, &phone_score);
    int speech = std::max(1, speech_frames(s.phones->ps));
    h.speech_frames = speech;
    h.verify_score = static_cast<double>(score - phone_score) / speech;
    double threshold = s.config.verify_threshold - s.config.verify_length_allowance / speech;
    h.confidence = static_cast<float>(1.0 / (1.0 + std::exp(-(h.verify_score - threshold) / 3.0)));
    if (h.verify_score < threshold) h.text.clear();  // out of grammar
    if (s.dictation) cross_check(h, s.config, ps_get_hyp(s.dictation->ps, &score), h.verify_score - threshold);
  } else if (any) {
    int32 prob = ps_get_prob(s.decoder->ps);
    double p = logmath_exp(ps_get_logmath(s.decoder->ps), prob);
    if (p > 0 && p <= 1) h.confidence = static_cast<float>(p);
  } else if (s.phones) {
    h.confidence = 0.0F;  // the grammar had no path at all
    if (s.dictation) cross_check(h, s.config, ps_get_hyp(s.dictation->ps, &score), 0);
  }
  return h;
}

std::vector<float> SphinxRecognizer::cepstral_mean() const { return {state_->cmn.begin(), state_->cmn.end()}; }

void SphinxRecognizer::set_cepstral_mean(const std::vector<float>& mean) {
  state_->cmn.assign(mean.begin(), mean.end());
}

std::vector<std::string> SphinxRecognizer::pronounce(std::string_view word) {
  auto it = dictionary().find(std::string(word));
  return it == dictionary().end() ? std::vector<std::string>{} : it->second;
}

std::shared_ptr<const RulesGrammar> SphinxRecognizer::rules_grammar(const RulesSpec& rules, const GrammarOptions& options) {
  // Key: everything the grammar depends on.
  std::ostringstream key;
  key << options.garbage << options.fillers << options.garbage_weight << options.garbage_min_phones << "|";
  for (const auto& in : rules.intents) {
    key << in.dtmf << "|";
    for (const auto& p : in.phrases) key << p << "|";
    for (const auto& sl : in.slots) {
      key << sl.name << ":" << static_cast<int>(sl.kind) << ":" << sl.pattern;
      for (const auto& c : sl.choices) key << "," << c;
      key << "|";
    }
    key << "#";
  }
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const RulesGrammar>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(key.str()); it != cache.end()) return it->second;
  if (cache.size() >= 256) cache.clear();  // bounded: agents are edited rarely
  auto grammar = std::make_shared<const RulesGrammar>(build_rules_grammar(rules, &SphinxRecognizer::pronounce, options));
  cache.emplace(key.str(), grammar);
  return grammar;
}

}  // namespace parley::voice
