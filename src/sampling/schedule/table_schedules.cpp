// A1111 schedule types that read the model's sigma table: SGM Uniform, Normal, Simple, DDIM.
#include <algorithm>

#include "core/error.h"
#include "sampling/schedule/schedulers.h"

namespace easel {
namespace {

const DiscreteSchedule& need_model(const ScheduleParams& p, const char* what) {
  if (!p.model) fail("{} schedule needs the model's sigma table", what);
  if (p.n < 1) fail("{} schedule: steps must be >= 1, got {}", what, p.n);
  return *p.model;
}

// linspace(sigma_to_t(sigma_max), sigma_to_t(sigma_min), count) -> t_to_sigma, trailing 0.
std::vector<float> t_linear(const ScheduleParams& p, const DiscreteSchedule& m, int count, int keep) {
  const float start = m.sigma_to_t(float(p.sigma_max)), end = m.sigma_to_t(float(p.sigma_min));
  auto ts = torch_linspace_f32(start, end, count, p.kernel);
  std::vector<float> out;
  for (int i = 0; i < keep; ++i) out.push_back(m.t_to_sigma(ts[size_t(i)]));
  out.push_back(0.f);
  return out;
}

}  // namespace

std::vector<float> sigmas_sgm_uniform(const ScheduleParams& p) {
  const auto& m = need_model(p, "sgm_uniform");
  return t_linear(p, m, p.n + 1, p.n);
}

std::vector<float> sigmas_normal(const ScheduleParams& p) {
  const auto& m = need_model(p, "normal");
  return t_linear(p, m, p.n, p.n);
}

std::vector<float> sigmas_simple(const ScheduleParams& p) {
  const auto& m = need_model(p, "simple");
  const double ss = double(m.size()) / double(p.n);
  std::vector<float> out;
  for (int x = 0; x < p.n; ++x) {
    auto k = int64_t(double(x) * ss);
    out.push_back(m.sigmas()[size_t(m.size() - 1 - k)]);
  }
  out.push_back(0.f);
  return out;
}

std::vector<float> sigmas_ddim(const ScheduleParams& p) {
  const auto& m = need_model(p, "ddim");
  const int ss = std::max(m.size() / p.n, 1);
  std::vector<float> out;
  for (int x = 1; x < m.size(); x += ss) out.push_back(m.sigmas()[size_t(x)]);
  std::reverse(out.begin(), out.end());
  out.push_back(0.f);
  return out;
}

}  // namespace easel
