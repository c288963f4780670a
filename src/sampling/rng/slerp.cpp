// slerp as torch evaluates A1111's expression: every tensor op rounds to float32; python
// scalars are rounded to float before use. Built with -ffp-contract=off.
#include "sampling/rng/slerp.h"

#include <cmath>
#include <vector>

namespace easel {

void slerp_a1111(double val, const float* low, const float* high, float* out, int64_t C, int64_t H,
                 int64_t W, RandnSource source) {
  const int64_t plane = H * W;
  // torch.norm(x, dim=1): sequential sum of squares over H, then sqrt.
  auto norms = [&](const float* x) {
    std::vector<float> n(size_t(C * W));
    for (int64_t c = 0; c < C; ++c)
      for (int64_t w = 0; w < W; ++w) {
        float acc = 0.0f;
        for (int64_t h = 0; h < H; ++h) {
          const float v = x[c * plane + h * W + w];
          acc = acc + v * v;
        }
        n[size_t(c * W + w)] = std::sqrt(acc);
      }
    return n;
  };
  const std::vector<float> nl = norms(low), nh = norms(high);
  std::vector<float> dot(size_t(C * W));
  for (int64_t c = 0; c < C; ++c)
    for (int64_t w = 0; w < W; ++w) {
      const size_t k = size_t(c * W + w);
      float acc = 0.0f;
      for (int64_t h = 0; h < H; ++h) {
        const int64_t i = c * plane + h * W + w;
        acc = acc + (low[i] / nl[k]) * (high[i] / nh[k]);
      }
      dot[k] = acc;
    }
  float sum = 0.0f;
  for (float d : dot) sum = sum + d;
  const int64_t n = C * plane;
  if (sum / float(dot.size()) > 0.9995f) {
    // Upstream quirk: the nearly-parallel fallback weighs low by val, not by 1 - val.
    const float a = float(val), b = float(1.0 - val);
    for (int64_t i = 0; i < n; ++i) out[i] = low[i] * a + high[i] * b;
    return;
  }
  const float va = float(1.0 - val), vb = float(val);
  std::vector<float> wa(dot.size()), wb(dot.size());
  for (size_t k = 0; k < dot.size(); ++k) {
    const float omega = std::acos(dot[k]);
    const float so = std::sin(omega);
    wa[k] = std::sin(va * omega) / so;
    wb[k] = std::sin(vb * omega) / so;
  }
  (void)source;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w) {
        const int64_t i = c * plane + h * W + w;
        const size_t k = size_t(c * W + w);
        out[i] = wa[k] * low[i] + wb[k] * high[i];
      }
}

}  // namespace easel
