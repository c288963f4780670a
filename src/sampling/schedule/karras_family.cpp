// k-diffusion's closed-form schedules (karras, exponential, polyexponential) and A1111's
// "Uniform" (= the model's get_sigmas): python scalars are rounded to float32 where torch does.
#include <cmath>

#include "core/error.h"
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
  return p.model->get_sigmas(p.n, p.kernel);
}

std::vector<float> sigmas_karras(const ScheduleParams& p) {
  check(p, "karras");
  const double rho = p.rho > 0 ? p.rho : 7.0;
  auto ramp = torch_linspace_f32(0.f, 1.f, p.n, p.kernel);
  const double min_inv = std::pow(p.sigma_min, 1.0 / rho), max_inv = std::pow(p.sigma_max, 1.0 / rho);
  const float span = float(min_inv - max_inv), base = float(max_inv), e = float(rho);
  std::vector<float> out;
  for (float r : ramp) out.push_back(std::pow(base + r * span, e));
  out.push_back(0.f);
  return out;
}

std::vector<float> sigmas_exponential(const ScheduleParams& p) {
  check(p, "exponential");
  auto l = torch_linspace_f32(float(std::log(p.sigma_max)), float(std::log(p.sigma_min)), p.n, p.kernel);
  for (auto& v : l) v = std::exp(v);
  l.push_back(0.f);
  return l;
}

std::vector<float> sigmas_polyexponential(const ScheduleParams& p) {
  check(p, "polyexponential");
  const float rho = float(p.rho > 0 ? p.rho : 1.0);
  auto ramp = torch_linspace_f32(1.f, 0.f, p.n, p.kernel);
  const float span = float(std::log(p.sigma_max) - std::log(p.sigma_min)), lmin = float(std::log(p.sigma_min));
  std::vector<float> out;
  for (float r : ramp) {
    float rr = rho == 1.f ? r : std::pow(r, rho);
    out.push_back(std::exp(rr * span + lmin));
  }
  out.push_back(0.f);
  return out;
}

}  // namespace easel
