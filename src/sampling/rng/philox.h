// A1111's "NV" source (modules/rng_philox.py): Philox4x32-10 counters with a float64
// Box-Muller, emulating CUDA torch.randn on the CPU; bit-exact with the numpy reference.
#pragma once
#include <array>
#include <cstdint>

#include "sampling/rng/generator.h"

namespace easel {

// One Philox4x32-10 block for counter (c0..c3) and key (k0, k1).
std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> ctr, uint32_t k0, uint32_t k1);

class PhiloxGenerator : public RandnGenerator {
 public:
  // The full 64-bit seed is the key: no wrap at 2^32, unlike the CPU source.
  explicit PhiloxGenerator(uint64_t seed) : seed_(seed) {}
  // Element i of call k uses counter (k, 0, i, 0); every call bumps the offset by one.
  void randn(float* out, int64_t n) override;
  using RandnGenerator::randn;
  uint64_t offset() const { return offset_; }

 private:
  uint64_t seed_;
  uint64_t offset_ = 0;
};

}  // namespace easel
