// Source names and the generator factory.
#include "sampling/rng/generator.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "sampling/rng/philox.h"
#include "sampling/rng/torch_cpu_generator.h"

namespace easel {

RandnSource parse_randn_source(std::string_view name) {
  std::string s(name);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (s == "cpu") return RandnSource::Cpu;
  if (s == "cpu-scalar") return RandnSource::CpuScalar;
  // A1111's "GPU" source is CUDA's Philox generator, which "NV" reproduces.
  if (s == "nv" || s == "gpu") return RandnSource::Nv;
  fail("random number source '{}': expected one of cpu, cpu-scalar, gpu, nv", name);
}

std::string_view randn_source_name(RandnSource s) {
  switch (s) {
    case RandnSource::Cpu: return "cpu";
    case RandnSource::CpuScalar: return "cpu-scalar";
    case RandnSource::Nv: return "nv";
  }
  return "?";
}

Tensor RandnGenerator::randn(const Shape& shape) {
  Tensor t = Tensor::empty(shape);
  randn(t.f32(), t.numel());
  return t;
}

std::unique_ptr<RandnGenerator> make_generator(RandnSource source, uint64_t seed) {
  switch (source) {
    case RandnSource::Cpu: return std::make_unique<TorchCpuGenerator>(seed, TorchCpuKernel::Avx2);
    case RandnSource::CpuScalar: return std::make_unique<TorchCpuGenerator>(seed, TorchCpuKernel::Scalar);
    case RandnSource::Nv: return std::make_unique<PhiloxGenerator>(seed);
  }
  fail("random number source {}: unknown", int(source));
}

Tensor randn_seeded(RandnSource source, uint64_t seed, const Shape& shape) {
  return make_generator(source, seed)->randn(shape);
}

}  // namespace easel
