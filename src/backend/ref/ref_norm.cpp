// Reference group norm and layer norm: two-pass mean / biased variance in double, as torch.
#include <cmath>

#include "backend/act.h"
#include "backend/checks.h"
#include "backend/ref/ref_backend.h"

namespace easel {
namespace {

// Mean and 1 / sqrt(biased variance + eps) of n values: two passes in double.
struct Moments {
  double mean, inv_std;
};
Moments moments(const float* xp, int64_t n, float eps) {
  double mean = 0, var = 0;
  for (int64_t i = 0; i < n; ++i) mean += xp[i];
  mean /= double(n);
  for (int64_t i = 0; i < n; ++i) var += (xp[i] - mean) * (xp[i] - mean);
  var /= double(n);
  return {mean, 1.0 / std::sqrt(var + double(eps))};
}

}  // namespace

void RefBackend::group_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, int groups,
                            float eps, bool silu) {
  bk::need_f32(x, "group_norm", "x");
  bk::need_f32(y, "group_norm", "y");
  const auto [N, C, S] = bk::check_group_norm_shapes(x, y, gamma, beta, groups);
  const int64_t cg = C / groups;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t base = (n * C + g * cg) * S, cnt = cg * S;
      const float* xp = x.f32() + base;
      const auto [mean, inv] = moments(xp, cnt, eps);
      float* yp = y.f32() + base;
      for (int64_t c = 0; c < cg; ++c) {
        const double ga = gamma.f32()[g * cg + c], be = beta.f32()[g * cg + c];
        for (int64_t s = 0; s < S; ++s) {
          double v = (xp[c * S + s] - mean) * inv * ga + be;
          yp[c * S + s] = float(silu ? bk::silu(v) : v);
        }
      }
    }
}

void RefBackend::layer_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, float eps) {
  bk::need_f32(x, "layer_norm", "x");
  bk::need_f32(y, "layer_norm", "y");
  const int64_t D = bk::check_layer_norm_shapes(x, y, gamma, beta), M = x.numel() / std::max<int64_t>(1, D);
  for (int64_t m = 0; m < M; ++m) {
    const float* xp = x.f32() + m * D;
    float* yp = y.f32() + m * D;
    const auto [mean, inv] = moments(xp, D, eps);
    for (int64_t i = 0; i < D; ++i) yp[i] = float((xp[i] - mean) * inv * gamma.f32()[i] + beta.f32()[i]);
  }
}

}  // namespace easel
