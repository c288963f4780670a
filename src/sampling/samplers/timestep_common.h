// The per-timestep coefficients A1111's DDIM/PLMS read from alphas_cumprod: a_t (float32),
// a_prev (float64 copy of the previous entry), sqrt(1 - a_t) (float32).
#pragma once
#include <cmath>
#include <vector>

#include "sampling/samplers/common.h"

namespace easel::tsamp {

struct Alphas {
  std::vector<float> a, sqrt_one_minus;  // per timestep index
  std::vector<double> prev;              // alphas_cumprod[timesteps[i-1]] (index 0: [0])
};

inline Alphas alphas_for(const SamplerRun& r) {
  if (!r.schedule) fail("timestep sampler needs the model's alphas_cumprod");
  if (r.timesteps.size() < 2) fail("timestep sampler needs at least 2 timesteps, got {}", r.timesteps.size());
  const auto& ac = r.schedule->alphas_cumprod();
  Alphas out;
  for (size_t i = 0; i < r.timesteps.size(); ++i) {
    const int64_t t = r.timesteps[i];
    if (t < 0 || t >= int64_t(ac.size())) fail("timestep {} outside the model's {} steps", t, ac.size());
    out.a.push_back(ac[size_t(t)]);
    out.sqrt_one_minus.push_back(std::sqrt(1.0f - ac[size_t(t)]));
    out.prev.push_back(double(ac[size_t(i == 0 ? 0 : r.timesteps[i - 1])]));
  }
  return out;
}

}  // namespace easel::tsamp
