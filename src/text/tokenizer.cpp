// CLIP tokenizer: vocabulary/merges loading, byte-level BPE over vocabulary ids, and the word cache.
#include "text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "core/error.h"
#include "text/clip_split.h"
#include "text/utf8.h"

namespace easel::text {

namespace fs = std::filesystem;

struct Tokenizer::Impl {
  struct Merge {
    int rank;
    int id;
  };
  std::unordered_map<std::string, int> vocab;
  std::unordered_map<uint64_t, Merge> merges;  // (left id, right id) -> rank and merged id
  int byte_id[256];                            // byte symbol
  int byte_end_id[256];                        // byte symbol + "</w>"
  mutable std::mutex mu;
  mutable std::unordered_map<std::string, std::vector<int>> cache;

  static uint64_t key(int a, int b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }

  void bpe(std::string_view word, std::vector<int>& out) const;
};

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) fail("tokenizer: cannot open {}", p.string());
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// GPT-2's bytes_to_unicode: printable bytes keep their code point, the others take U+0100 + n.
char32_t byte_symbol(int b) {
  static char32_t table[256];
  static bool init = [] {
    int n = 0;
    for (int c = 0; c < 256; ++c) {
      bool printable = (c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF);
      table[c] = printable ? char32_t(c) : char32_t(0x100 + n++);
    }
    return true;
  }();
  (void)init;
  return table[b];
}

}  // namespace

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) {}
Tokenizer::~Tokenizer() = default;

std::shared_ptr<const Tokenizer> Tokenizer::load(const fs::path& dir) {
  std::shared_ptr<Tokenizer> t(new Tokenizer());
  Impl& im = *t->impl_;
  fs::path vp = dir / "vocab.json", mp = dir / "merges.txt";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(vp));
  } catch (const nlohmann::json::exception& e) {
    fail("tokenizer: {} is not valid JSON: {}", vp.string(), e.what());
  }
  if (!j.is_object()) fail("tokenizer: {} must hold one JSON object (token -> id)", vp.string());
  int max_id = -1;
  for (auto& [k, v] : j.items()) {
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 10'000'000)
      fail("tokenizer: {}: id of token '{}' is not a small non-negative integer", vp.string(), k);
    int id = v.get<int>();
    im.vocab.emplace(k, id);
    max_id = std::max(max_id, id);
  }
  t->id_to_token_.assign(size_t(max_id + 1), std::string());
  for (auto& [k, id] : im.vocab) t->id_to_token_[size_t(id)] = k;

  auto id_of = [&](const std::string& s, const char* what) {
    auto it = im.vocab.find(s);
    if (it == im.vocab.end()) fail("tokenizer: {} lacks the {} '{}'", vp.string(), what, s);
    return it->second;
  };
  for (int b = 0; b < 256; ++b) {
    std::string s;
    utf8_append(s, byte_symbol(b));
    im.byte_id[b] = id_of(s, "byte symbol");
    im.byte_end_id[b] = id_of(s + "</w>", "byte symbol");
  }
  t->bos_ = id_of("<|startoftext|>", "special token");
  t->eos_ = id_of("<|endoftext|>", "special token");
  t->comma_ = id_of(",</w>", "token");

  // transformers reads merges.txt as read().strip().split("\n")[1:49152-256-2+1].
  std::string m = read_file(mp);
  size_t a = m.find_first_not_of(" \t\r\n\f\v"), b = m.find_last_not_of(" \t\r\n\f\v");
  m = a == std::string::npos ? std::string() : m.substr(a, b - a + 1);
  size_t pos = m.find('\n');
  pos = pos == std::string::npos ? m.size() : pos + 1;
  const int max_merges = 49152 - 256 - 2;
  int rank = 0, line = 2;
  while (pos < m.size() && rank < max_merges) {
    size_t e = m.find('\n', pos);
    if (e == std::string::npos) e = m.size();
    std::string_view l(m.data() + pos, e - pos);
    size_t sp = l.find(' ');
    if (sp == std::string_view::npos || l.find(' ', sp + 1) != std::string_view::npos)
      fail("tokenizer: {} line {}: expected two symbols separated by one space", mp.string(), line);
    std::string left(l.substr(0, sp)), right(l.substr(sp + 1));
    int li = id_of(left, "merge symbol"), ri = id_of(right, "merge symbol"), mi = id_of(left + right, "merged token");
    im.merges.emplace(Impl::key(li, ri), Impl::Merge{rank, mi});
    ++rank;
    ++line;
    pos = e + 1;
  }
  return t;
}

void Tokenizer::Impl::bpe(std::string_view word, std::vector<int>& out) const {
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(std::string(word));
    if (it != cache.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int> syms;
  if (word == "<|startoftext|>" || word == "<|endoftext|>") {
    syms.push_back(vocab.at(std::string(word)));
  } else {
    syms.reserve(word.size());
    for (size_t i = 0; i < word.size(); ++i) {
      unsigned char c = (unsigned char)word[i];
      syms.push_back(i + 1 == word.size() ? byte_end_id[c] : byte_id[c]);
    }
    std::vector<int> next;
    while (syms.size() > 1) {
      int best = INT32_MAX;
      int bl = 0, br = 0, bm = 0;
      for (size_t i = 0; i + 1 < syms.size(); ++i) {
        auto it = merges.find(key(syms[i], syms[i + 1]));
        if (it != merges.end() && it->second.rank < best) {
          best = it->second.rank;
          bl = syms[i];
          br = syms[i + 1];
          bm = it->second.id;
        }
      }
      if (best == INT32_MAX) break;
      next.clear();
      for (size_t i = 0; i < syms.size(); ++i) {
        if (i + 1 < syms.size() && syms[i] == bl && syms[i + 1] == br) {
          next.push_back(bm);
          ++i;
        } else {
          next.push_back(syms[i]);
        }
      }
      syms.swap(next);
    }
  }
  out.insert(out.end(), syms.begin(), syms.end());
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() > 200'000) cache.clear();  // bounded: a server sees unbounded distinct words
  cache.emplace(std::string(word), std::move(syms));
}

void Tokenizer::encode_append(std::string_view text, std::vector<int>& out) const {
  // Literal special-token strings are split off first; every other piece is tokenized on its own.
  static const std::string_view kBosText = "<|startoftext|>", kEosText = "<|endoftext|>";
  auto piece = [&](std::string_view p) {
    if (!p.empty()) clip_split(p, [&](std::string_view w) { impl_->bpe(w, out); });
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t sb = text.find(kBosText, pos), se = text.find(kEosText, pos);
    size_t s = std::min(sb, se);
    if (s == std::string_view::npos) break;
    piece(text.substr(pos, s - pos));
    out.push_back(s == sb ? bos_ : eos_);
    pos = s + (s == sb ? kBosText.size() : kEosText.size());
  }
  piece(text.substr(pos));
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
  std::vector<int> out;
  encode_append(text, out);
  return out;
}

const std::string& Tokenizer::token_text(int id) const {
  static const std::string empty;
  if (id < 0 || size_t(id) >= id_to_token_.size()) return empty;
  return id_to_token_[size_t(id)];
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  // Inverse byte table, so that decoded tokens show the original UTF-8.
  std::unordered_map<char32_t, unsigned char> inv;
  for (int b = 0; b < 256; ++b) inv[byte_symbol(b)] = (unsigned char)b;
  std::string out;
  for (int id : ids) {
    std::string t = token_text(id);
    bool end = t.size() >= 4 && t.compare(t.size() - 4, 4, "</w>") == 0;
    if (end) t.resize(t.size() - 4);
    if (id == bos_ || id == eos_) {
      out += t;
      continue;
    }
    for (char32_t c : utf8_decode(t)) {
      auto it = inv.find(c);
      if (it != inv.end()) out.push_back(char(it->second));
    }
    if (end) out.push_back(' ');
  }
  return out;
}

fs::path Tokenizer::default_dir(const fs::path& models_dir) {
  auto ok = [](const fs::path& d) { return fs::exists(d / "vocab.json") && fs::exists(d / "merges.txt"); };
  if (const char* e = std::getenv("EASEL_TOKENIZER"); e && *e) return e;
  if (!models_dir.empty() && ok(models_dir / "tokenizer")) return models_dir / "tokenizer";
  if (ok("../shared/oracle/tokenizer")) return "../shared/oracle/tokenizer";
  return {};
}

}  // namespace easel::text
