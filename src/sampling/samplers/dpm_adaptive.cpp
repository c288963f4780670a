// DPM adaptive (k-diffusion sample_dpm_adaptive, order 3): embedded 2/3 pair with a PID step
// size controller from sigma_max to sigma_min; ignores the schedule and the step count.
#include <cmath>

#include "sampling/samplers/dpm_solver.h"

namespace easel {
namespace {

struct Pid {
  double h, b1, b2, b3, accept_safety, eps = 1e-8;
  std::vector<double> errs;
  bool propose(double error) {
    const double inv = 1.0 / (error + eps);
    if (errs.empty()) errs = {inv, inv, inv};
    errs[0] = inv;
    double factor = std::pow(errs[0], b1) * std::pow(errs[1], b2) * std::pow(errs[2], b3);
    factor = 1 + std::atan(factor - 1);
    const bool accept = factor >= accept_safety;
    if (accept) {
      errs[2] = errs[1];
      errs[1] = errs[0];
    }
    h *= factor;
    return accept;
  }
};

}  // namespace

Tensor sample_dpm_adaptive(SamplerRun& r, Tensor x) {
  if (!(r.sigma_min > 0) || !(r.sigma_max > 0)) fail("DPM adaptive: sigma_min and sigma_max must be > 0");
  ksamp::DpmSolver dpm(r);
  const float t_start = dpm.t_of(float(r.sigma_max)), t_end = dpm.t_of(float(r.sigma_min));
  const double eta = r.opts.eta, order = 3, rtol = 0.05, atol = 0.0078;
  const double pcoeff = 0, icoeff = 1, dcoeff = 0;
  const double ord = eta != 0 ? 1.5 : order;
  Pid pid{0.05, (pcoeff + icoeff + dcoeff) / ord, -(pcoeff + 2 * dcoeff) / ord, dcoeff / ord, 0.81};
  const float atol_f = float(atol), rtol_f = float(rtol);
  float s = t_start;
  Tensor x_prev = x;
  int steps = 0;
  while (s < t_end - 1e-5f) {
    if (steps > 100000) fail("DPM adaptive: step size controller did not converge");
    ksamp::DpmSolver::Cache cache;
    const float t = std::fmin(t_end, s + float(pid.h));
    const auto [t_, su] = dpm.ancestral_target(s, t, t_end, eta);
    Tensor e = dpm.eps(cache, "eps", x, s);
    const float sg = dpm.sigma_of(s);
    Tensor den = emap([sg](float a, float v) { return a - sg * v; }, x, e);
    Tensor lo = dpm.step2(cache, x, s, t_, float(1.0 / 3));
    Tensor hi = dpm.step3(cache, x, s, t_);
    // error = ||(lo - hi) / max(atol, rtol * max(|lo|, |x_prev|))|| / sqrt(numel)
    double sq = 0;
    const float *pl = lo.f32(), *ph = hi.f32(), *pp = x_prev.f32();
    for (int64_t k = 0; k < lo.numel(); ++k) {
      const float delta = std::fmax(atol_f, rtol_f * std::fmax(std::fabs(pl[k]), std::fabs(pp[k])));
      const float q = (pl[k] - ph[k]) / delta;
      sq += double(q) * double(q);
    }
    const float error = float(std::sqrt(sq)) / float(std::sqrt(double(x.numel())));
    if (pid.propose(double(error))) {
      x_prev = lo;
      const float k = su * float(r.opts.s_noise);
      Tensor nz = r.sde_noise(x, dpm.sigma_of(s), dpm.sigma_of(t));
      x = emap([k](float a, float z) { return a + k * z; }, hi, nz);
      s = t;
    }
    ++steps;
    r.report(steps - 1, dpm.sigma_of(s), dpm.sigma_of(s), x, den);
  }
  return x;
}

}  // namespace easel
