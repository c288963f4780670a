// DiscreteSchedule: every step is a separately rounded float32 operation, in k-diffusion's order,
// with the kernel's log/exp (SLEEF for AVX2, glibc for scalar), so schedules built on it match
// torch bit for bit. Built with -ffp-contract=off.
#include "sampling/schedule/discrete_schedule.h"

#include <cmath>

#include "core/error.h"
#include "core/torch_math.h"

namespace easel {

std::vector<double> ldm_linear_betas(int n, double start, double end, TorchKernel k) {
  auto b = torch_linspace_f64(std::sqrt(start), std::sqrt(end), n, k);
  for (auto& v : b) v = v * v;
  return b;
}

std::vector<double> alphas_cumprod_f64(const std::vector<double>& betas) {
  std::vector<double> out(betas.size());
  double acc = 1.0;
  for (size_t i = 0; i < betas.size(); ++i) {
    acc *= 1.0 - betas[i];
    out[i] = acc;
  }
  return out;
}

DiscreteSchedule::DiscreteSchedule(std::vector<float> alphas_cumprod, TorchKernel k)
    : ac_(std::move(alphas_cumprod)), kernel_(k) {
  if (ac_.size() < 2) fail("noise schedule: alphas_cumprod needs at least 2 entries, got {}", ac_.size());
  sigmas_.resize(ac_.size());
  log_sigmas_.resize(ac_.size());
  for (size_t i = 0; i < ac_.size(); ++i) {
    float a = ac_[i];
    if (!(a > 0.f && a < 1.f)) fail("noise schedule: alphas_cumprod[{}] = {} is outside (0, 1)", i, a);
    float r = (1.0f - a) / a;
    sigmas_[i] = std::sqrt(r);  // ** 0.5 is torch's sqrt kernel: correctly rounded in both
  }
  torch_log(sigmas_.data(), log_sigmas_.data(), int64_t(sigmas_.size()), kernel_);
}

DiscreteSchedule DiscreteSchedule::sd_default(TorchKernel k) {
  auto ac = alphas_cumprod_f64(ldm_linear_betas(1000, 0.00085, 0.012, k));
  std::vector<float> f(ac.begin(), ac.end());
  return DiscreteSchedule(std::move(f), k);
}

float DiscreteSchedule::sigma_to_t(float sigma) const {
  const float ls = torch_log(sigma, kernel_);
  const int n = size();
  // argmax of cumsum(dists >= 0): the last index with log_sigmas[j] <= ls, or 0 when none is.
  int low = 0;
  for (int j = 0; j < n; ++j)
    if (ls - log_sigmas_[j] >= 0.f) low = j;
  if (low > n - 2) low = n - 2;
  const float lo = log_sigmas_[low], hi = log_sigmas_[low + 1];
  float w = (lo - ls) / (lo - hi);
  w = std::fmin(std::fmax(w, 0.f), 1.f);
  if (std::isnan((lo - ls) / (lo - hi))) w = NAN;
  return (1.0f - w) * float(low) + w * float(low + 1);
}

int64_t DiscreteSchedule::sigma_to_t_quantized(float sigma) const {
  const float ls = torch_log(sigma, kernel_);
  int64_t best = 0;
  float bd = INFINITY;
  for (int j = 0; j < size(); ++j) {
    float d = std::fabs(ls - log_sigmas_[j]);
    if (d < bd) bd = d, best = j;
  }
  return best;
}

float DiscreteSchedule::t_to_sigma(float t) const {
  if (!(t >= 0.f && t <= float(size() - 1))) fail("t_to_sigma: timestep {} outside [0, {}]", t, size() - 1);
  const float fl = std::floor(t);
  const int lo = int(fl), hi = int(std::ceil(t));
  const float w = t - std::trunc(t);
  const float ls = (1.0f - w) * log_sigmas_[lo] + w * log_sigmas_[hi];
  return torch_exp(ls, kernel_);
}

std::vector<float> DiscreteSchedule::get_sigmas(int n) const {
  if (n < 1) fail("get_sigmas: steps must be >= 1, got {}", n);
  auto t = torch_linspace_f32(float(size() - 1), 0.f, n, kernel_);
  std::vector<float> out;
  out.reserve(size_t(n) + 1);
  for (float v : t) out.push_back(t_to_sigma(v));
  out.push_back(0.f);
  return out;
}

}  // namespace easel
