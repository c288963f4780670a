// Properties of the torch-float slerp pieces at latent sizes the oracle does not cover
// (the oracle pins 4x8x8): reduction order sanity, exact end points, kernel agreement.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "sampling/rng/generator.h"
#include "sampling/rng/slerp.h"
#include "sampling/rng/torch_cpu_generator.h"
#include "sampling/rng/torch_float_ops.h"

using namespace easel;

TEST(RngSlerp, SumAndNormCloseToDoublePrecision) {
  std::mt19937 mt(3);
  std::normal_distribution<float> nd;
  for (auto [C, H, W] : {std::array<int64_t, 3>{4, 64, 64}, {4, 128, 96}, {4, 8, 5}, {2, 40, 44}, {1, 300, 9}}) {
    std::vector<float> x(size_t(C * H * W));
    for (auto& v : x) v = nd(mt);
    std::vector<float> s(size_t(C * W)), n1(s.size()), n2(s.size());
    torch_sum_dim1(x.data(), C, H, W, s.data());
    torch_norm_dim1(x.data(), C, H, W, n1.data(), TorchCpuKernel::Avx2);
    torch_norm_dim1(x.data(), C, H, W, n2.data(), TorchCpuKernel::Scalar);
    for (int64_t c = 0; c < C; ++c)
      for (int64_t w = 0; w < W; ++w) {
        double ds = 0, dn = 0;
        for (int64_t h = 0; h < H; ++h) {
          double v = x[size_t((c * H + h) * W + w)];
          ds += v;
          dn += v * v;
        }
        const size_t k = size_t(c * W + w);
        EXPECT_NEAR(s[k], ds, 1e-5 * std::sqrt(double(H))) << C << "x" << H << "x" << W << " at " << k;
        EXPECT_NEAR(n1[k], std::sqrt(dn), 1e-5 * std::sqrt(dn));
        EXPECT_NEAR(n2[k], std::sqrt(dn), 1e-5 * std::sqrt(dn));
      }
  }
}

TEST(RngSlerp, EndPointsAreExactAndKernelsAgreeClosely) {
  for (RandnSource src : {RandnSource::Cpu, RandnSource::CpuScalar, RandnSource::Nv}) {
    const Shape shape = {4, 64, 64};
    Tensor lo = randn_seeded(src, 11, shape), hi = randn_seeded(src, 12, shape);
    const int64_t n = lo.numel();
    std::vector<float> out(static_cast<size_t>(n)), other(out.size());
    slerp_a1111(0.0, lo.f32(), hi.f32(), out.data(), 4, 64, 64, src);
    EXPECT_EQ(0, std::memcmp(out.data(), lo.f32(), size_t(n) * 4));
    slerp_a1111(1.0, lo.f32(), hi.f32(), out.data(), 4, 64, 64, src);
    EXPECT_EQ(0, std::memcmp(out.data(), hi.f32(), size_t(n) * 4));
    // The two kernels' float math differs only in last bits.
    slerp_a1111(0.3, lo.f32(), hi.f32(), out.data(), 4, 64, 64, RandnSource::Cpu);
    slerp_a1111(0.3, lo.f32(), hi.f32(), other.data(), 4, 64, 64, RandnSource::CpuScalar);
    for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(out[size_t(i)], other[size_t(i)], 1e-5f) << i;
  }
}

TEST(RngSlerp, NearlyParallelInputsTakeTheLinearBranch) {
  // Identical inputs: mean(dot) ~ 1 > 0.9995, so upstream's lerp runs (low weighed by val).
  Tensor lo = randn_seeded(RandnSource::Cpu, 5, {4, 8, 8});
  std::vector<float> out(size_t(lo.numel()));
  slerp_a1111(0.25, lo.f32(), lo.f32(), out.data(), 4, 8, 8, RandnSource::Cpu);
  for (int64_t i = 0; i < lo.numel(); ++i)
    EXPECT_EQ(out[size_t(i)], lo.f32()[i] * 0.25f + lo.f32()[i] * 0.75f);
}
