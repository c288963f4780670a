// The oracle's toy models (samplers/README.md), in its exact float32 operation order, plus a
// NoiseSource that replays stored noise and a recorder for sampler callbacks.
#pragma once
#include <cmath>
#include <cstring>
#include <vector>

#include "core/tensor.h"
#include "sampling/noise.h"
#include "sampling/sampler.h"

namespace easel::test {

inline float toy_D(float x, float s, float c) {
  const float a = 1.0f / (1.0f + s * s);
  const float b = s / (1.0f + s);
  const float q = x * x;
  const float r = q / (1.0f + q);
  return ((x * (1.0f - 0.25f * r)) * a + (c * b) * r) - 0.05f * b;
}

inline float toy_eps(float x, float t, float c) {
  const float tau = t / 1000.0f;
  const float k = 0.6f + 0.3f * tau;
  const float m = (0.2f - 0.1f * tau) * c;
  return (x * k) / (1.0f + 0.05f * (x * x)) + m;
}

// Replays noise_list[k] for the k-th draw (each [1,...] slice, or a whole batch per draw).
class ReplayNoise : public NoiseSource {
 public:
  explicit ReplayNoise(Tensor list) : list_(std::move(list)) {}
  Tensor next(const Shape& shape) override {
    const int64_t n = shape_numel(shape), per = list_.numel() / list_.dim(0);
    // A batch draw repeats the stored draw for every image (the oracle stores one per draw).
    if (n % per != 0) throw std::runtime_error("ReplayNoise: draw of " + shape_str(shape) + " but stored draws hold " + std::to_string(per));
    if (draws >= list_.dim(0)) throw std::runtime_error("ReplayNoise: out of stored noise");
    Tensor t = Tensor::empty(shape);
    for (int64_t b = 0; b < n / per; ++b) std::memcpy(t.f32() + b * per, list_.f32() + draws * per, size_t(per) * sizeof(float));
    ++draws;
    return t;
  }
  int64_t draws = 0;

 private:
  Tensor list_;
};

// Counts draws and returns zeros (for samplers whose noise is multiplied by 0).
class CountingNoise : public NoiseSource {
 public:
  Tensor next(const Shape& shape) override {
    ++draws;
    return Tensor::zeros(shape);
  }
  int64_t draws = 0;
};

struct Recorded {
  std::vector<int> i;
  std::vector<float> sigma, xs, den;  // flattened per step
  StepCallback callback() {
    return [this](const StepInfo& s) {
      i.push_back(s.i);
      sigma.push_back(s.sigma);
      xs.insert(xs.end(), s.x.f32(), s.x.f32() + s.x.numel());
      if (s.denoised.defined()) den.insert(den.end(), s.denoised.f32(), s.denoised.f32() + s.denoised.numel());
      else den.insert(den.end(), size_t(s.x.numel()), NAN);
    };
  }
};

}  // namespace easel::test
