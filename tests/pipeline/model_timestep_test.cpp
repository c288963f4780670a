// The continuous timestep the UNet receives at every step of the A1111 goldens (step{i}.t, from
// k-diffusion's sigma_to_t under torch's AVX2 kernel) must come out bit for bit.
#include <gtest/gtest.h>

#include <cstdio>

#include "golden_sets.h"
#include "sampling/schedule/discrete_schedule.h"

namespace easel::test {
namespace {

TEST(ModelTimesteps, SigmaToTMatchesEveryGoldenStep) {
  auto sets = e2e_sets();
  ASSERT_FALSE(sets.empty()) << "no txt2img_a1111_* goldens under " << oracle_dir();
  const auto avx2 = DiscreteSchedule::sd_default(TorchKernel::Avx2);
  const auto scalar = DiscreteSchedule::sd_default(TorchKernel::Scalar);
  for (auto& set : sets)
    for (auto& g : set.goldens) {
      TensorStore want = load_golden_tensors(g);
      int n = 0, exact = 0, exact_scalar = 0;
      for (int i = 0;; ++i) {
        const std::string p = "step" + std::to_string(i);
        if (!want.has(p + ".sigma") || !want.has(p + ".t")) break;
        const float sigma = want.at(p + ".sigma").to_f32().f32()[0];
        Tensor t = want.at(p + ".t").to_f32();
        for (int64_t r = 0; r < t.numel(); ++r) {
          ++n;
          const float got = avx2.sigma_to_t(sigma);
          exact += got == t.f32()[r];
          exact_scalar += scalar.sigma_to_t(sigma) == t.f32()[r];
          EXPECT_EQ(got, t.f32()[r]) << g.name << " " << p << ".t[" << r << "] at sigma " << sigma;
        }
      }
      EXPECT_GT(n, 0) << g.name << ": no step{i}.sigma / step{i}.t";
      std::printf("[timesteps] %-32s %d/%d model timesteps bit-exact (AVX2 kernel; glibc/scalar kernel would give %d)\n",
                  g.name.c_str(), exact, n, exact_scalar);
    }
}

}  // namespace
}  // namespace easel::test
