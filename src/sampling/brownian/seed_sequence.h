// numpy.random.SeedSequence (numpy >= 1.19): the entropy-pool hash that torchsde uses to give
// every Brownian-tree node its own seeds. Only the integer-entropy subset torchsde needs.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace easel {

class SeedSequence {
 public:
  // `entropy`: the run entropy as numpy splits a non-negative int (32-bit words, low first;
  // 0 is one word). `spawn_key`: each element split the same way. pool_size >= 4.
  SeedSequence(std::span<const uint32_t> entropy, std::span<const uint64_t> spawn_key = {}, int pool_size = 4);
  SeedSequence(uint64_t entropy, std::span<const uint64_t> spawn_key = {}, int pool_size = 4);

  // generate_state(n_words) with dtype uint32.
  std::vector<uint32_t> generate_state(int n_words) const;
  const std::vector<uint32_t>& pool() const { return pool_; }

 private:
  std::vector<uint32_t> pool_;
};

// numpy's _int_to_uint32_array for one non-negative integer.
std::vector<uint32_t> int_to_uint32_words(uint64_t v);

}  // namespace easel
