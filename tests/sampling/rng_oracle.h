// Shared by the RNG oracle tests: which generator a stored file was made with (from its
// metadata), how its tensor names encode the cases, and bit-for-bit comparison.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <regex>
#include <string>

#include "core/error.h"
#include "io/tensor_store.h"
#include "sampling/rng/generator.h"
#include "sampling/rng/philox.h"
#include "sampling/rng/torch_cpu_generator.h"

namespace easel::test {

// The source a file's metadata names ("CPU" + kernel "avx2"/"scalar", or "NV").
inline RandnSource file_source(const TensorStore& st) {
  auto get = [&](const char* k) {
    auto it = st.metadata.find(k);
    return it == st.metadata.end() ? std::string() : it->second;
  };
  const std::string src = get("source"), kernel = get("kernel");
  if (src == "NV") return RandnSource::Nv;
  if (src == "CPU" && kernel == "avx2") return RandnSource::Cpu;
  if (src == "CPU" && kernel == "scalar") return RandnSource::CpuScalar;
  fail("{}: metadata source '{}' kernel '{}' not recognised", st.path, src, kernel);
}

// A fresh generator for the file's source; `portable` swaps the AVX2 kernel for its emulation.
inline std::unique_ptr<RandnGenerator> file_generator(RandnSource s, uint64_t seed, bool portable) {
  if (portable && s == RandnSource::Cpu)
    return std::make_unique<TorchCpuGenerator>(seed, TorchCpuKernel::Avx2Portable);
  return make_generator(s, seed);
}

enum class CaseKind { Plain, Sequence, Image, Unknown };
struct CaseName {
  CaseKind kind = CaseKind::Unknown;
  uint64_t seed = 0;
  int call = 0;      // Sequence: call index; Image: draw index
  std::string name;  // Image: the case name
};
inline CaseName parse_case_name(const std::string& n) {
  static const std::regex plain(R"(s(\d+)_[0-9x]+)"), seq(R"(s(\d+)_call(\d+)_[0-9x]+)"),
      image(R"((.+)_draw(\d+))");
  std::smatch m;
  CaseName c;
  if (std::regex_match(n, m, seq)) {
    c.kind = CaseKind::Sequence;
    c.seed = std::stoull(m[1]);
    c.call = std::stoi(m[2]);
  } else if (std::regex_match(n, m, plain)) {
    c.kind = CaseKind::Plain;
    c.seed = std::stoull(m[1]);
  } else if (std::regex_match(n, m, image)) {
    c.kind = CaseKind::Image;
    c.name = m[1];
    c.call = std::stoi(m[2]);
  }
  return c;
}

struct BitDiff {
  int64_t mismatches = 0;
  double max_abs = 0;
};
inline BitDiff bit_compare(const float* got, const float* want, int64_t n) {
  BitDiff d;
  for (int64_t i = 0; i < n; ++i) {
    if (std::memcmp(got + i, want + i, sizeof(float)) != 0) {
      ++d.mismatches;
      d.max_abs = std::fmax(d.max_abs, std::fabs(double(got[i]) - double(want[i])));
    }
  }
  return d;
}

}  // namespace easel::test
