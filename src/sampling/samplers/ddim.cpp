// DDIM (A1111 sd_samplers_timesteps_impl.ddim): len(timesteps) - 1 steps, ending at the first
// timestep; a noise draw every step even at eta 0.
#include "sampling/samplers/timestep_common.h"

namespace easel {

Tensor ddim_loop(SamplerRun& r, Tensor x, bool cfgpp) {
  const auto al = tsamp::alphas_for(r);
  const size_t n = r.timesteps.size();
  for (size_t i = 0; i + 1 < n; ++i) {
    const size_t idx = n - 1 - i;
    Tensor e = r.denoise(x, float(r.timesteps[idx]));
    Tensor dir_eps = cfgpp ? r.model->last_uncond() : e;
    const double at = al.a[idx], ap = al.prev[idx];
    const double sig = r.opts.eta * std::sqrt((1.0 - ap) / double(1.0f - al.a[idx]) * (1.0 - at / ap));
    const float a_t = al.a[idx], a_prev = float(ap), sigma_t = float(sig), s1m = al.sqrt_one_minus[idx];
    const float sq_at = std::sqrt(a_t), dir_k = std::sqrt(1.0f - a_prev - sigma_t * sigma_t), sq_ap = std::sqrt(a_prev);
    Tensor pred_x0 = emap([=](float v, float p) { return (v - s1m * p) / sq_at; }, x, e);
    Tensor nz = r.randn_like(x);
    x = emap([=](float p0, float d, float z) { return sq_ap * p0 + dir_k * d + sigma_t * z; }, pred_x0, dir_eps, nz);
    r.report(int(i), 0.f, 0.f, x, pred_x0);
  }
  return x;
}

Tensor sample_ddim(SamplerRun& r, Tensor x) { return ddim_loop(r, std::move(x), false); }

}  // namespace easel
