// Reference multi-head attention: one query row at a time (scores for one row only, so memory is
// O(Nk)), softmax in double.
#include <cmath>
#include <vector>

#include "backend/checks.h"
#include "backend/ref/ref_backend.h"

namespace easel {

void RefBackend::attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, int heads, bool causal) {
  const auto [B, Nq, Nk, C] = bk::check_attention(q, k, v, out, heads);
  const int64_t D = C / heads;
  const double sc = 1.0 / std::sqrt(double(D));
  std::vector<double> s(static_cast<size_t>(Nk)), o(static_cast<size_t>(D));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < Nq; ++i) {
        const float* qp = q.f32() + (b * Nq + i) * C + h * D;
        const int64_t nk = causal ? std::min(Nk, i + 1) : Nk;
        double mx = -INFINITY, sum = 0;
        for (int64_t j = 0; j < nk; ++j) {
          const float* kp = k.f32() + (b * Nk + j) * C + h * D;
          double d = 0;
          for (int64_t c = 0; c < D; ++c) d += double(qp[c]) * kp[c];
          s[j] = d * sc;
          mx = std::max(mx, s[j]);
        }
        for (int64_t j = 0; j < nk; ++j) sum += s[j] = std::exp(s[j] - mx);
        std::fill(o.begin(), o.end(), 0.0);
        for (int64_t j = 0; j < nk; ++j) {
          const float* vp = v.f32() + (b * Nk + j) * C + h * D;
          for (int64_t c = 0; c < D; ++c) o[c] += s[j] * vp[c];
        }
        float* op = out.f32() + (b * Nq + i) * C + h * D;
        for (int64_t c = 0; c < D; ++c) op[c] = float(o[c] / sum);
      }
}

}  // namespace easel
