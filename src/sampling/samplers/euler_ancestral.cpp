// Euler a (k-diffusion sample_euler_ancestral): no noise on the step to sigma 0.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_euler_ancestral(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const auto [den, down, up] = ksamp::open_ancestral_step(r, x, i);
    x = ksamp::euler_step(x, ksamp::to_d(x, s[i], den), down - s[i]);
    if (s[i + 1] > 0) x = ksamp::add_noise(x, r.sde_noise(x, s[i], s[i + 1]), float(r.opts.s_noise), up);
  }
  return x;
}

}  // namespace easel
