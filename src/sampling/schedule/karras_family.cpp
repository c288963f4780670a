// k-diffusion's closed-form schedules (karras, exponential, polyexponential) and A1111's
// "Uniform" (= the model's get_sigmas): python scalars are rounded to float32 where torch does,
// pow/exp are the kernel's (core/torch_math). Built with -ffp-contract=off.
#include <cmath>

#include "core/error.h"
#include "core/torch_math.h"
#include "sampling/schedule/schedulers.h"

namespace easel {
namespace {

void check(const ScheduleParams& p, const char* what) {
  if (p.n < 1) fail("{} schedule: steps must be >= 1, got {}", what, p.n);
  if (!(p.sigma_min > 0) || !(p.sigma_max > 0)) fail("{} schedule: sigma_min/sigma_max must be > 0", what);
}

}  // namespace

std::vector<float> sigmas_uniform(const ScheduleParams& p) {
  if (!p.model) fail("uniform schedule needs the model's sigma table");
  return p.model->get_sigmas(p.n);
}

std::vector<float> sigmas_karras(const ScheduleParams& p) {
  check(p, "karras");
  const double rho = p.rho > 0 ? p.rho : 7.0;
  auto ramp = torch_linspace_f32(0.f, 1.f, p.n, p.kernel);
  const double min_inv = std::pow(p.sigma_min, 1.0 / rho), max_inv = std::pow(p.sigma_max, 1.0 / rho);
  const float span = float(min_inv - max_inv), base = float(max_inv);
  std::vector<float> out;
  for (float r : ramp) out.push_back(base + r * span);
  torch_pow_scalar(out.data(), rho, out.data(), int64_t(out.size()), p.kernel);
  out.push_back(0.f);
  return out;
}

std::vector<float> sigmas_exponential(const ScheduleParams& p) {
  check(p, "exponential");
  auto l = torch_linspace_f32(float(std::log(p.sigma_max)), float(std::log(p.sigma_min)), p.n, p.kernel);
  torch_exp(l.data(), l.data(), int64_t(l.size()), p.kernel);
  l.push_back(0.f);
  return l;
}

std::vector<float> sigmas_polyexponential(const ScheduleParams& p) {
  check(p, "polyexponential");
  const double rho = p.rho > 0 ? p.rho : 1.0;
  auto ramp = torch_linspace_f32(1.f, 0.f, p.n, p.kernel);
  torch_pow_scalar(ramp.data(), rho, ramp.data(), int64_t(ramp.size()), p.kernel);
  const float span = float(std::log(p.sigma_max) - std::log(p.sigma_min)), lmin = float(std::log(p.sigma_min));
  std::vector<float> out;
  for (float r : ramp) out.push_back(r * span + lmin);
  torch_exp(out.data(), out.data(), int64_t(out.size()), p.kernel);
  out.push_back(0.f);
  return out;
}

}  // namespace easel
