// RandnGenerator: one seeded stream of standard normals with torch.randn call semantics, and
// the names A1111 gives its sources ("CPU", "GPU", "NV") mapped to our generators.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/tensor.h"

namespace easel {

// Cpu: torch CPU randn with the AVX2 kernel (what x86 users' torch runs); CpuScalar: the same
// with ATen's portable kernel; Nv: A1111's Philox emulation of CUDA randn (also "GPU").
enum class RandnSource { Cpu, CpuScalar, Nv };

// Accepts "cpu", "cpu-scalar", "nv", "gpu" (case-insensitive); anything else fails.
RandnSource parse_randn_source(std::string_view name);
std::string_view randn_source_name(RandnSource s);

class RandnGenerator {
 public:
  virtual ~RandnGenerator() = default;
  // One torch.randn call filling n values (row-major); advances the stream like upstream does.
  virtual void randn(float* out, int64_t n) = 0;
  Tensor randn(const Shape& shape);
};

// A fresh generator as A1111 creates it for `seed` (full 64-bit; CPU keeps the low 32 bits).
std::unique_ptr<RandnGenerator> make_generator(RandnSource source, uint64_t seed);

// randn from a fresh generator: A1111's rng.randn(seed, shape) / randn_local.
Tensor randn_seeded(RandnSource source, uint64_t seed, const Shape& shape);

}  // namespace easel
