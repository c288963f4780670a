// Reference elementwise ops, softmax and the timestep embedding.
#include <cmath>
#include <vector>

#include "backend/act.h"
#include "backend/checks.h"
#include "backend/ref/ref_backend.h"
#include "core/torch_math.h"

namespace easel {

void RefBackend::activation(const Tensor& x, Tensor& y, Act act) {
  bk::check_same_numel(x, y, "activation");
  for (int64_t i = 0; i < x.numel(); ++i) y.f32()[i] = float(bk::apply_act(act, x.f32()[i]));
}

void RefBackend::geglu(const Tensor& x, Tensor& y) {
  const int64_t F = bk::check_geglu(x, y), M = x.numel() / std::max<int64_t>(1, 2 * F);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t i = 0; i < F; ++i)
      y.f32()[m * F + i] = float(double(x.f32()[m * 2 * F + i]) * bk::gelu_erf(x.f32()[m * 2 * F + F + i]));
}

void RefBackend::add(const Tensor& a, const Tensor& b, Tensor& y) {
  bk::check_add(a, b, y);
  const int64_t nb = b.numel();
  for (int64_t i = 0; i < a.numel(); ++i) y.f32()[i] = a.f32()[i] + b.f32()[i % nb];
}

void RefBackend::add_channel_bias(Tensor& x, const Tensor& bias) {
  const auto [NC, S] = bk::check_add_channel_bias(x, bias);
  for (int64_t nc = 0; nc < NC; ++nc)
    for (int64_t s = 0; s < S; ++s) x.f32()[nc * S + s] += bias.f32()[nc];
}

void RefBackend::scale(const Tensor& x, Tensor& y, float s) {
  bk::check_same_numel(x, y, "scale");
  for (int64_t i = 0; i < x.numel(); ++i) y.f32()[i] = x.f32()[i] * s;
}

void RefBackend::softmax(const Tensor& x, Tensor& y) {
  bk::check_softmax(x, y);
  const int64_t D = x.dim(-1), M = x.numel() / D;
  std::vector<double> e(static_cast<size_t>(D));
  for (int64_t m = 0; m < M; ++m) {
    const float* xp = x.f32() + m * D;
    double mx = -INFINITY, sum = 0;
    for (int64_t i = 0; i < D; ++i) mx = std::max(mx, double(xp[i]));
    for (int64_t i = 0; i < D; ++i) sum += e[i] = std::exp(xp[i] - mx);
    for (int64_t i = 0; i < D; ++i) y.f32()[m * D + i] = float(e[i] / sum);
  }
}

void RefBackend::timestep_embedding(const Tensor& t, Tensor& y, float max_period) {
  bk::need_f32(t, "timestep_embedding", "t");
  bk::need_f32(y, "timestep_embedding", "y");
  bk::need_rank(y, 2, "timestep_embedding", "y");
  bk::need_numel(t, y.dim(0), "timestep_embedding", "t");
  const int64_t N = y.dim(0), dim = y.dim(1), half = dim / 2;
  // LDM/diffusers in float32 as torch's CPU AVX2 build runs it: freqs = exp((-ln(P) * i) / half)
  // and cos/sin of t * freqs with SLEEF. k-diffusion's t is fractional (443.7...), so an ulp in a
  // frequency moves the argument by ~1e-4: glibc's exp/sin/cos would not reproduce torch here.
  const float neg_log = float(-std::log(double(max_period)));
  std::vector<float> freqs(static_cast<size_t>(half)), args(freqs.size());
  for (int64_t i = 0; i < half; ++i) freqs[size_t(i)] = neg_log * float(i) / float(half);
  torch_exp(freqs.data(), freqs.data(), half);
  for (int64_t n = 0; n < N; ++n) {
    float* yp = y.f32() + n * dim;
    const float tn = t.f32()[n];
    for (int64_t i = 0; i < half; ++i) args[size_t(i)] = tn * freqs[size_t(i)];
    torch_cos(args.data(), yp, half);
    torch_sin(args.data(), yp + half, half);
    if (dim % 2) yp[dim - 1] = 0.f;
  }
}

}  // namespace easel
