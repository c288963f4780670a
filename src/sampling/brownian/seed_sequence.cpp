// numpy SeedSequence: assemble entropy (run entropy zero-padded to the pool when a spawn key is
// present), mix it into the pool with the hashmix/mix pair, then hash the pool out cyclically.
#include "sampling/brownian/seed_sequence.h"

#include "core/error.h"

namespace easel {
namespace {

constexpr uint32_t kInitA = 0x43b0d7e5, kMultA = 0x931e8875;
constexpr uint32_t kInitB = 0x8b51f9dd, kMultB = 0x58f38ded;
constexpr uint32_t kMixMultL = 0xca01f9dd, kMixMultR = 0x4973f715;
constexpr int kXShift = 16;

uint32_t hashmix(uint32_t value, uint32_t& hash_const) {
  value ^= hash_const;
  hash_const *= kMultA;
  value *= hash_const;
  value ^= value >> kXShift;
  return value;
}

uint32_t mix(uint32_t x, uint32_t y) {
  uint32_t r = kMixMultL * x - kMixMultR * y;
  r ^= r >> kXShift;
  return r;
}

}  // namespace

std::vector<uint32_t> int_to_uint32_words(uint64_t v) {
  if (v == 0) return {0};
  std::vector<uint32_t> w;
  for (; v; v >>= 32) w.push_back(uint32_t(v));
  return w;
}

SeedSequence::SeedSequence(uint64_t entropy, std::span<const uint64_t> spawn_key, int pool_size)
    : SeedSequence(int_to_uint32_words(entropy), spawn_key, pool_size) {}

SeedSequence::SeedSequence(std::span<const uint32_t> entropy, std::span<const uint64_t> spawn_key, int pool_size) {
  if (pool_size < 4) fail("SeedSequence: pool_size must be at least 4, got {}", pool_size);
  std::vector<uint32_t> words(entropy.begin(), entropy.end());
  std::vector<uint32_t> spawn;
  for (uint64_t k : spawn_key)
    for (uint32_t w : int_to_uint32_words(k)) spawn.push_back(w);
  // numpy pads the run entropy so spawned children cannot collide with longer run entropies.
  if (!spawn.empty() && words.size() < size_t(pool_size)) words.resize(size_t(pool_size), 0);
  words.insert(words.end(), spawn.begin(), spawn.end());

  const size_t n = size_t(pool_size);
  pool_.assign(n, 0);
  uint32_t hc = kInitA;
  for (size_t i = 0; i < n; ++i) pool_[i] = hashmix(i < words.size() ? words[i] : 0, hc);
  for (size_t s = 0; s < n; ++s)
    for (size_t d = 0; d < n; ++d)
      if (s != d) pool_[d] = mix(pool_[d], hashmix(pool_[s], hc));
  for (size_t s = n; s < words.size(); ++s)
    for (size_t d = 0; d < n; ++d) pool_[d] = mix(pool_[d], hashmix(words[s], hc));
}

std::vector<uint32_t> SeedSequence::generate_state(int n_words) const {
  if (n_words < 0) fail("SeedSequence: negative word count {}", n_words);
  std::vector<uint32_t> out(static_cast<size_t>(n_words));
  uint32_t hc = kInitB;
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t v = pool_[i % pool_.size()];
    v ^= hc;
    hc *= kMultB;
    v *= hc;
    v ^= v >> kXShift;
    out[i] = v;
  }
  return out;
}

}  // namespace easel
