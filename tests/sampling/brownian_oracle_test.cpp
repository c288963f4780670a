// The Brownian-tree noise sampler alone against every stored noise-sampler query of the A1111
// pipeline case sets: same seeds, source and schedule, the stored (sigma, sigma_next) pairs
// replayed in order, every output element compared with upstream's.
#include <gtest/gtest.h>

#include <cstdio>

#include "sampling/brownian/brownian_noise.h"
#include "sampling_oracle.h"

namespace easel::test {
namespace {

int64_t ulps(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  if (a == b) return 0;
  if ((ia < 0) != (ib < 0)) return int64_t(ia & 0x7fffffff) + int64_t(ib & 0x7fffffff);
  return std::llabs(int64_t(ia) - int64_t(ib));
}

TEST(BrownianOracle, StoredQueries) {
  auto sets = load_case_sets(is_pipeline_set);
  ASSERT_FALSE(sets.empty());
  int files_with_noise = 0;
  for (auto& s : sets) {
    int pass = 0, total = 0;
    int64_t queries = 0, elems = 0, exact = 0, worst_ulp = 0;
    double worst_abs = 0;
    std::string worst_case;
    for (const auto& c : s.meta["cases"]) {
      const auto& tn = c["tensors"];
      if (!tn.contains("brownian_noise")) continue;
      ++total;
      const std::string name = c["case"];
      SCOPED_TRACE(name);
      Tensor want = s.tensor(tn["brownian_noise"]);
      auto pairs = s.f64(tn["brownian_sigma_pairs"]);
      auto sigmas = s.f32(tn["sigmas"]);
      Tensor noise0 = s.tensor(tn["noise"]);
      std::vector<uint64_t> seeds;
      for (const auto& v : c["seeds"]) seeds.push_back(v.get<uint64_t>());
      const RandnSource src = parse_randn_source(c["source"].get<std::string>());
      ASSERT_EQ(int64_t(pairs.size()), 2 * want.dim(0));
      NoiseSampler ns = make_brownian_noise_sampler(noise0.shape(), sigmas, seeds, src);
      const int64_t per = want.numel() / want.dim(0);
      int64_t case_ulp = 0;
      double case_abs = 0;
      for (int64_t k = 0; k < want.dim(0); ++k) {
        Tensor got = ns(float(pairs[size_t(2 * k)]), float(pairs[size_t(2 * k + 1)]));
        ASSERT_EQ(got.numel(), per);
        const float* g = got.f32();
        const float* w = want.f32() + k * per;
        for (int64_t i = 0; i < per; ++i) {
          const int64_t u = ulps(g[i], w[i]);
          exact += u == 0;
          case_ulp = std::max(case_ulp, u);
          case_abs = std::max(case_abs, std::fabs(double(g[i]) - double(w[i])));
        }
        ++queries;
        elems += per;
      }
      EXPECT_EQ(case_ulp, 0) << "max abs error " << case_abs;
      pass += case_ulp == 0;
      if (case_ulp > worst_ulp || case_abs > worst_abs) worst_case = name;
      worst_ulp = std::max(worst_ulp, case_ulp);
      worst_abs = std::max(worst_abs, case_abs);
    }
    if (!total) continue;
    ++files_with_noise;
    std::printf("[brownian] %s: %d/%d cases bit-exact, %lld queries, %lld/%lld elements exact, worst %lld ulp / %.3g abs (%s)\n",
                s.name.c_str(), pass, total, (long long)queries, (long long)exact, (long long)elems,
                (long long)worst_ulp, worst_abs, worst_case.c_str());
  }
  EXPECT_GT(files_with_noise, 0) << "no case set stores Brownian noise";
}

}  // namespace
}  // namespace easel::test
