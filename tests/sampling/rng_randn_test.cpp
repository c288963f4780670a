// torch CPU randn (both kernels) and NV Philox against every stored vector: fresh-seed cases
// (s{seed}_{shape}) and call sequences on one generator (s{seed}_call{k}_{shape}), bit for bit.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "common/oracle.h"
#include "io/safetensors.h"
#include "rng_oracle.h"

using namespace easel;
using namespace easel::test;

namespace {

struct Tally {
  int cases = 0, passed = 0;
  int64_t mismatches = 0;
  double max_abs = 0;
  void add(const std::string& file, const std::string& name, const BitDiff& d) {
    ++cases;
    if (d.mismatches == 0) ++passed;
    mismatches += d.mismatches;
    max_abs = std::max(max_abs, d.max_abs);
    EXPECT_EQ(d.mismatches, 0) << file << ": " << name << " max |diff| " << d.max_abs;
  }
};

// Runs every plain and sequence case of one file with one generator flavour.
Tally run_file(const TensorStore& st, RandnSource src, bool portable, int* image_tensors) {
  Tally t;
  const std::string file = std::filesystem::path(st.path).filename().string();
  std::map<uint64_t, std::map<int, std::string>> sequences;
  for (const auto& [name, tensor] : st.tensors) {
    CaseName c = parse_case_name(name);
    if (c.kind == CaseKind::Unknown) ADD_FAILURE() << file << ": tensor name '" << name << "' not understood";
    if (c.kind == CaseKind::Image) ++*image_tensors;
    if (c.kind == CaseKind::Sequence) {
      if (!sequences[c.seed].emplace(c.call, name).second) ADD_FAILURE() << file << ": duplicate " << name;
    }
    if (c.kind != CaseKind::Plain) continue;
    Tensor want = tensor.to_f32();
    Tensor got = file_generator(src, c.seed, portable)->randn(want.shape());
    t.add(file, name, bit_compare(got.f32(), want.f32(), want.numel()));
  }
  for (const auto& [seed, calls] : sequences) {
    auto gen = file_generator(src, seed, portable);
    int expect_call = 0;
    for (const auto& [call, name] : calls) {
      if (call != expect_call++) {
        ADD_FAILURE() << file << ": sequence for seed " << seed << " has a gap before " << name;
        break;
      }
      Tensor want = st.at(name).to_f32();
      Tensor got = gen->randn(want.shape());
      t.add(file, name, bit_compare(got.f32(), want.f32(), want.numel()));
    }
  }
  return t;
}

}  // namespace

TEST(RngOracle, RandnAndSequences) {
  auto files = oracle_files("rng", ".safetensors");
  ASSERT_FALSE(files.empty()) << "no oracle files in " << (oracle_dir() / "rng");
  int total_cases = 0;
  for (const auto& path : files) {
    TensorStore st = load_safetensors(path.string());
    const RandnSource src = file_source(st);
    int image_tensors = 0;
    for (bool portable : {false, true}) {
      if (portable && src != RandnSource::Cpu) continue;
      Tally t = run_file(st, src, portable, &image_tensors);
      if (t.cases == 0) continue;
      total_cases += t.cases;
      std::printf("[rng] %-32s %-13s %3d/%3d cases bit-exact, %lld mismatching values, max |diff| %g\n",
                  path.filename().c_str(), portable ? "avx2-portable" : std::string(randn_source_name(src)).c_str(),
                  t.passed, t.cases, (long long)t.mismatches, t.max_abs);
    }
  }
  EXPECT_GT(total_cases, 0);
}

TEST(RngNv, PhiloxReferenceValues) {
  // rng_philox.py docstring: Generator(0).randn((3, 4))[0].
  Tensor t = PhiloxGenerator(0).randn({3, 4});
  const float want[4] = {-0.9246624f, -0.42534396f, -2.6438458f, 0.14518388f};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t.f32()[i], want[i]) << i;
}

TEST(RngCpu, SmallTensorsShareTheCachedNormal) {
  // Two randn([1]) calls equal one randn([2]): the second value is the cached sine sample.
  TorchCpuGenerator a(7, TorchCpuKernel::Avx2), b(7, TorchCpuKernel::Avx2);
  Tensor x0 = a.randn({1}), x1 = a.randn({1});
  Tensor y = b.randn({2});
  EXPECT_EQ(x0.f32()[0], y.f32()[0]);
  EXPECT_EQ(x1.f32()[0], y.f32()[1]);
  // A >= 16 call in between neither uses nor clears the cache; it consumes exactly 16 words.
  TorchCpuGenerator c(7, TorchCpuKernel::Scalar);
  c.randn({1});
  c.randn({16});
  EXPECT_EQ(c.randn({1}).f32()[0], y.f32()[1]);
}

TEST(RngCpu, PortableAvx2MatchesOnRandomUniforms) {
  // Beyond the oracle: every kernel input bucket (the 24-bit uniforms) over many blocks.
  std::mt19937 mt(123);
  const int64_t blocks = 1 << 14;
  std::vector<float> a(size_t(blocks * 16));
  for (auto& v : a) v = float(mt() & 0xFFFFFF) * (1.0f / 16777216.0f);
  a[0] = 0.0f;                       // u1 = 1 -> radius 0
  a[8] = 0.0f;                       // theta = 0
  a[1] = float(0xFFFFFF) / 16777216; // smallest u1
  std::vector<float> b = a;
  normal16_avx2(a.data(), blocks);
  normal16_avx2_emulated(b.data(), blocks);
  BitDiff d = bit_compare(a.data(), b.data(), int64_t(a.size()));
  EXPECT_EQ(d.mismatches, 0) << "max |diff| " << d.max_abs;
}

TEST(RngCpu, Timing) {
  for (RandnSource s : {RandnSource::Cpu, RandnSource::CpuScalar, RandnSource::Nv}) {
    auto gen = make_generator(s, 1);
    Tensor t = Tensor::empty({4, 64, 64});
    gen->randn(t.f32(), t.numel());  // warm-up
    const int reps = 20;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) gen->randn(t.f32(), t.numel());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
    std::printf("[rng] randn 4x64x64 source %-10s %.3f ms\n", std::string(randn_source_name(s)).c_str(), ms);
  }
}

TEST(RngNames, ParseSources) {
  EXPECT_EQ(parse_randn_source("CPU"), RandnSource::Cpu);
  EXPECT_EQ(parse_randn_source("cpu-scalar"), RandnSource::CpuScalar);
  EXPECT_EQ(parse_randn_source("NV"), RandnSource::Nv);
  EXPECT_EQ(parse_randn_source("gpu"), RandnSource::Nv);
  EXPECT_THROW(parse_randn_source("cuda"), Error);
}
