// Brownian-tree building blocks: numpy SeedSequence against numpy's reference vectors, Python's
// decimal round, and the tree's contracts (query-order and batch independence, clamping,
// bridge consistency, unit variance of the noise, bad input), plus query timings.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "sampling/brownian/brownian_noise.h"
#include "sampling/brownian/decimal_round.h"
#include "sampling/brownian/seed_sequence.h"

namespace easel {
namespace {

TEST(BrownianSeedSequence, NumpyReferenceVectors) {
  // numpy/random/tests/test_seed_sequence.py::test_reference_data (pool_size 4).
  const uint32_t in0[] = {3735928559u, 195939070u, 229505742u, 305419896u};
  const std::vector<uint32_t> out0 = {3914649087u, 576849849u, 3593928901u, 2229911004u};
  EXPECT_EQ(SeedSequence(in0).generate_state(4), out0);
  const uint32_t in9[] = {2766103236u, 2883057919u, 4029656435u, 862374500u};
  const std::vector<uint32_t> out9 = {296367413u, 4262059219u, 13109864u, 3283683422u};
  EXPECT_EQ(SeedSequence(in9).generate_state(4), out9);
}

TEST(BrownianSeedSequence, WordsAndPrefixes) {
  EXPECT_EQ(int_to_uint32_words(0), std::vector<uint32_t>{0});
  EXPECT_EQ(int_to_uint32_words(4294967296ull), (std::vector<uint32_t>{0, 1}));
  // generate_state(n) is a prefix of generate_state(m > n), whatever the pool size.
  const uint64_t key[2] = {5, 3};
  SeedSequence ss(1791574510, key, 24);
  auto a = ss.generate_state(3), b = ss.generate_state(30);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  // The spawn key is entropy: different keys, different seeds.
  const uint64_t key2[2] = {6, 3};
  EXPECT_NE(SeedSequence(1791574510, key2, 24).generate_state(4), ss.generate_state(4));
  EXPECT_THROW(SeedSequence(1, {}, 3), Error);
}

TEST(BrownianRound, PythonSemantics) {
  EXPECT_EQ(python_round(0.0078125, 6), 0.007812);   // exact tie: half to even
  EXPECT_EQ(python_round(0.0234375, 6), 0.023438);   // exact tie: half to even
  EXPECT_EQ(python_round(-0.0078125, 6), -0.007812);
  EXPECT_EQ(python_round(2.675, 2), 2.67);           // 2.675 is stored just below the tie
  EXPECT_EQ(python_round(0.029167532920837402, 6), 0.029168);
  EXPECT_EQ(python_round(14.614642143249512, 6), 14.614642);
  EXPECT_EQ(python_round(1e-9, 6), 0.0);
  EXPECT_TRUE(std::signbit(python_round(-1e-9, 6)));
  EXPECT_EQ(python_round(3.0, 6), 3.0);
  EXPECT_THROW(python_round(1e300, 6), Error);
}

constexpr float kMin = 0.0291675329f, kMax = 14.6146421f;

std::vector<float> karras(int n) {
  std::vector<float> s;
  const double a = std::pow(double(kMax), 1 / 7.0), b = std::pow(double(kMin), 1 / 7.0);
  for (int i = 0; i < n; ++i) s.push_back(float(std::pow(a + i / double(n - 1) * (b - a), 7.0)));
  return s;
}

TEST(BrownianTree, QueryOrderDoesNotMatter) {
  // halfway_tree: the path depends on the entropy only, not on which points were asked first.
  const Shape x = {1, 4, 8, 8};
  auto s = karras(12);
  NoiseSampler fwd = make_brownian_noise_sampler(x, kMin, kMax, {42}, RandnSource::Cpu);
  NoiseSampler rev = make_brownian_noise_sampler(x, kMin, kMax, {42}, RandnSource::Cpu);
  std::vector<Tensor> a, b(s.size() - 1);
  for (size_t i = 0; i + 1 < s.size(); ++i) a.push_back(fwd(s[i], s[i + 1]));
  for (size_t i = s.size() - 1; i-- > 0;) b[i] = rev(s[i], s[i + 1]);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(0, std::memcmp(a[i].f32(), b[i].f32(), a[i].nbytes())) << i;
}

TEST(BrownianTree, BatchCompositionDoesNotMatter) {
  // A1111 builds one tree per image so an image's noise does not depend on its batch mates.
  auto s = karras(6);
  for (RandnSource src : {RandnSource::Cpu, RandnSource::Nv}) {
    NoiseSampler both = make_brownian_noise_sampler({2, 4, 8, 8}, s, {7, 8}, src);
    NoiseSampler one = make_brownian_noise_sampler({1, 4, 8, 8}, s, {8}, src);
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      Tensor p = both(s[i], s[i + 1]), q = one(s[i], s[i + 1]);
      EXPECT_EQ(0, std::memcmp(p.f32() + 256, q.f32(), 256 * 4)) << i;
      EXPECT_NE(0, std::memcmp(p.f32(), q.f32(), 256 * 4)) << "different seeds, same noise";
    }
  }
}

TEST(BrownianTree, BridgeIsConsistent) {
  // W(a, c) = W(a, b) + W(b, c) up to float32 summation order, for b on the 1e-6 grid.
  BrownianTree t(kMin, kMax, {4, 8, 8}, 1234, RandnSource::Cpu);
  const double a = 0.5, b = 2.25, c = 9.0;
  Tensor ac = t.increment(a, c), ab = t.increment(a, b), bc = t.increment(b, c);
  for (int64_t i = 0; i < ac.numel(); ++i) EXPECT_NEAR(ac.f32()[i], ab.f32()[i] + bc.f32()[i], 1e-5) << i;
  // Clamping: times outside [t0, t1] are moved to the ends, as torchsde does.
  Tensor whole = t.increment(kMin, kMax), wider = t.increment(0.001, 100.0);
  EXPECT_EQ(0, std::memcmp(whole.f32(), wider.f32(), whole.nbytes()));
  // Equal and sub-tolerance queries give zero increments (and terminate).
  Tensor z = t.increment(1.0, 1.0), sub = t.increment(1.0, 1.0 + 1e-8);
  for (int64_t i = 0; i < z.numel(); ++i) {
    EXPECT_EQ(z.f32()[i], 0.0f);
    EXPECT_EQ(sub.f32()[i], 0.0f);
  }
  EXPECT_THROW(t.increment(2.0, 1.0), Error);
  EXPECT_THROW(t.increment(NAN, 1.0), Error);
}

TEST(BrownianTree, NoiseIsStandardNormal) {
  double sum = 0, sq = 0;
  int64_t n = 0;
  auto s = karras(8);
  for (uint64_t seed = 0; seed < 64; ++seed) {
    NoiseSampler ns = make_brownian_noise_sampler({1, 4, 8, 8}, s, {seed}, RandnSource::Nv);
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      Tensor t = ns(s[i], s[i + 1]);
      for (float v : t.span_f32()) sum += v, sq += double(v) * v, ++n;
    }
  }
  const double mean = sum / n, var = sq / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(var, 1.0, 0.03);
}

TEST(BrownianTree, BadInput) {
  EXPECT_THROW(make_brownian_noise_sampler({2, 4, 8, 8}, kMin, kMax, {1}, RandnSource::Cpu), Error);
  EXPECT_THROW(make_brownian_noise_sampler({2, 4, 8, 8}, std::vector<float>{0.0f}, {1, 2}, RandnSource::Cpu), Error);
  EXPECT_THROW(make_brownian_noise_sampler({1, 4, 8, 8}, kMin, INFINITY, {1}, RandnSource::Cpu), Error);
  EXPECT_THROW(BrownianTree(2.0, 1.0, {4}, 1, RandnSource::Cpu), Error);
}

TEST(BrownianTree, Timing) {
  // DPM++ SDE at 20 karras steps: 2 queries per step. Latents of 512 px and 1024 px images.
  for (RandnSource src : {RandnSource::Cpu, RandnSource::Nv})
    for (int64_t hw : {64, 128}) {
      auto s = karras(21);
      auto t0 = std::chrono::steady_clock::now();
      BrownianTreeNoiseSampler ns({1, 4, hw, hw}, kMin, kMax, {1791574510}, src);
      for (size_t i = 0; i + 1 < s.size(); ++i) {
        const float mid = std::exp(0.5f * (std::log(s[i]) + std::log(s[i + 1])));
        ns(s[i], mid);
        ns(s[i], s[i + 1]);
      }
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      std::printf("[brownian] %s 4x%lldx%lld, 40 queries: %.1f ms (%lld node draws, %zu nodes)\n",
                  std::string(randn_source_name(src)).c_str(), (long long)hw, (long long)hw, ms,
                  (long long)ns.randn_calls(), ns.nodes());
      EXPECT_GT(ns.randn_calls(), 40);
    }
}

}  // namespace
}  // namespace easel
