// DPM fast (k-diffusion sample_dpm_fast): fixed steps of order 3 (then 2/1) between sigma_max and
// sigma_min using `n` model calls; ignores the schedule. One callback per solver step.
#include <cmath>

#include "sampling/samplers/dpm_solver.h"

namespace easel {

Tensor sample_dpm_fast(SamplerRun& r, Tensor x) {
  if (!(r.sigma_min > 0) || !(r.sigma_max > 0)) fail("DPM fast: sigma_min and sigma_max must be > 0");
  if (r.n < 1) fail("DPM fast: needs at least 1 model call, got {}", r.n);
  ksamp::DpmSolver dpm(r);
  const float t_start = dpm.t_of(float(r.sigma_max)), t_end = dpm.t_of(float(r.sigma_min));
  const int nfe = r.n, m = nfe / 3 + 1;
  auto ts = torch_linspace_f32(t_start, t_end, m + 1);
  std::vector<int> orders;
  if (nfe % 3 == 0) {
    orders.assign(size_t(std::max(m - 2, 0)), 3);
    orders.push_back(2);
    orders.push_back(1);
  } else {
    orders.assign(size_t(m - 1), 3);
    orders.push_back(nfe % 3);
  }
  const double eta = r.opts.eta;
  for (size_t i = 0; i < orders.size(); ++i) {
    ksamp::DpmSolver::Cache cache;
    const float t = ts[i], tn = ts[i + 1];
    const auto [tn_, su] = dpm.ancestral_target(t, tn, t_end, eta);
    Tensor e = dpm.eps(cache, "eps", x, t);
    const float sg = dpm.sigma_of(t);
    Tensor den = emap([sg](float a, float v) { return a - sg * v; }, x, e);
    r.report(int(i), sg, sg, x, den);
    if (orders[i] == 1) x = dpm.step1(cache, x, t, tn_);
    else if (orders[i] == 2) x = dpm.step2(cache, x, t, tn_);
    else x = dpm.step3(cache, x, t, tn_);
    const float k = su * float(r.opts.s_noise);
    Tensor nz = r.sde_noise(x, dpm.sigma_of(t), dpm.sigma_of(tn));
    x = emap([k](float a, float z) { return a + k * z; }, x, nz);
  }
  return x;
}

}  // namespace easel
