// Scalar helpers shared by the k-diffusion samplers, each a float32 0-dim tensor op in upstream's
// order: to_d, the ancestral split of a step, torch's lerp.
#pragma once
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

}  // namespace easel::ksamp
