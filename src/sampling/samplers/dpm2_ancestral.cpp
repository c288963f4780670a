// DPM2 a (k-diffusion sample_dpm_2_ancestral): DPM2 towards sigma_down plus ancestral noise;
// the last step is a plain Euler step without noise.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_dpm_2_ancestral(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const auto [den, down, up] = ksamp::open_ancestral_step(r, x, i);
    Tensor d = ksamp::to_d(x, s[i], den);
    if (down == 0) {
      x = ksamp::euler_step(x, d, down - s[i]);
    } else {
      const float mid = std::exp(ksamp::lerp(std::log(s[i]), std::log(down), 0.5f));
      Tensor x2 = ksamp::euler_step(x, d, mid - s[i]);
      Tensor d2 = ksamp::to_d(x2, mid, r.denoise(x2, mid));
      x = ksamp::euler_step(x, d2, down - s[i]);
      x = ksamp::add_noise(x, r.sde_noise(x, s[i], s[i + 1]), float(r.opts.s_noise), up);
    }
  }
  return x;
}

}  // namespace easel
