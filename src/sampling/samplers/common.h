// Scalar helpers shared by the k-diffusion samplers, each a float32 0-dim tensor op in upstream's
// order: to_d, the ancestral split of a step, torch's lerp; and the step openings and noise terms
// that several samplers share.
#pragma once
#include <algorithm>
#include <cmath>
#include <utility>

#include "sampling/sampler.h"
#include "sampling/tensor_ops.h"

namespace easel::ksamp {

// A1111's to_d: (x - denoised) / sigma.
inline Tensor to_d(const Tensor& x, float sigma, const Tensor& denoised) {
  return emap([sigma](float a, float d) { return (a - d) / sigma; }, x, denoised);
}

// k-diffusion get_ancestral_step: (sigma_down, sigma_up).
inline std::pair<float, float> ancestral_step(float from, float to, double eta) {
  if (eta == 0) return {to, 0.f};
  const float t2 = to * to, f2 = from * from;
  const float up = std::fmin(to, float(eta) * std::sqrt(t2 * (f2 - t2) / f2));
  const float down = std::sqrt(t2 - up * up);
  return {down, up};
}

// torch.lerp for float32.
inline float lerp(float a, float b, float w) { return std::fabs(w) < 0.5f ? a + w * (b - a) : b - (b - a) * (1.0f - w); }

// x + d * dt
inline Tensor euler_step(const Tensor& x, const Tensor& d, float dt) {
  return emap([dt](float a, float b) { return a + b * dt; }, x, d);
}

// x + noise * s_noise * scale (the ancestral/SDE noise addition)
inline Tensor add_noise(const Tensor& x, const Tensor& noise, float s_noise, float scale) {
  return emap([=](float a, float n) { return a + (n * s_noise) * scale; }, x, noise);
}

// The opening of a step of sample_euler / sample_heun / sample_dpm_2: Karras churn (one noise
// draw per step even at churn 0, as upstream, so the stream position matches), the model call
// at sigma_hat, the callback; x is churned in place. Returns sigma_hat and the derivative.
struct ChurnedOpening {
  float sigma_hat;
  Tensor d;
};
inline ChurnedOpening open_churned_step(SamplerRun& r, Tensor& x, size_t i) {
  const auto& s = r.sigmas;
  const double n = double(s.size() - 1);
  const double gamma = (r.opts.s_tmin <= s[i] && s[i] <= r.opts.s_tmax) ? std::min(r.opts.s_churn / n, std::sqrt(2.0) - 1) : 0.0;
  Tensor eps = r.randn_like(x);
  const float sigma_hat = s[i] * float(gamma + 1);
  if (gamma > 0) {
    const float k = std::sqrt(sigma_hat * sigma_hat - s[i] * s[i]), sn = float(r.opts.s_noise);
    x = emap([=](float a, float e) { return a + (e * sn) * k; }, x, eps);
  }
  Tensor den = r.denoise(x, sigma_hat);
  Tensor d = to_d(x, sigma_hat, den);
  r.report(int(i), s[i], sigma_hat, x, den);
  return {sigma_hat, std::move(d)};
}

// The opening of a step of the ancestral samplers: the model call at sigma, the (sigma_down,
// sigma_up) split towards the next sigma, the callback.
struct AncestralOpening {
  Tensor den;
  float down, up;
};
inline AncestralOpening open_ancestral_step(SamplerRun& r, const Tensor& x, size_t i) {
  const auto& s = r.sigmas;
  Tensor den = r.denoise(x, s[i]);
  auto [down, up] = ancestral_step(s[i], s[i + 1], r.opts.eta);
  r.report(int(i), s[i], s[i], x, den);
  return {std::move(den), down, up};
}

// The SDE noise term of the multistep SDE samplers: x + ((noise * sigma_next) * k) * s_noise.
inline Tensor add_sde_noise(SamplerRun& r, const Tensor& x, size_t i, float k) {
  const float s1 = r.sigmas[i + 1], sn = float(r.opts.s_noise);
  Tensor nz = r.sde_noise(x, r.sigmas[i], r.sigmas[i + 1]);
  return emap([=](float v, float z) { return v + ((z * s1) * k) * sn; }, x, nz);
}

}  // namespace easel::ksamp
