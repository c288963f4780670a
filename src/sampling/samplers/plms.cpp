// PLMS (A1111 sd_samplers_timesteps_impl.plms): a 2-call pseudo improved Euler first step, then
// Adams-Bashforth orders 2..4 on the past eps.
#include <deque>

#include "sampling/samplers/timestep_common.h"

namespace easel {

Tensor sample_plms(SamplerRun& r, Tensor x) {
  const auto al = tsamp::alphas_for(r);
  const size_t n = r.timesteps.size();
  std::deque<Tensor> old;
  auto x_prev_and_x0 = [&](const Tensor& xx, const Tensor& e, size_t idx, Tensor& pred_x0) {
    const float s1m = al.sqrt_one_minus[idx], sq_at = std::sqrt(al.a[idx]), a_prev = float(al.prev[idx]);
    const float sq_ap = std::sqrt(a_prev), dk = std::sqrt(1.0f - a_prev);
    pred_x0 = emap([=](float v, float p) { return (v - s1m * p) / sq_at; }, xx, e);
    return emap([=](float p0, float p) { return sq_ap * p0 + dk * p; }, pred_x0, e);
  };
  for (size_t i = 0; i + 1 < n; ++i) {
    const size_t idx = n - 1 - i;
    const float ts = float(r.timesteps[idx]), t_next = float(r.timesteps[idx == 0 ? 0 : idx - 1]);
    Tensor e = r.denoise(x, ts);
    Tensor e_prime, pred_x0;
    if (old.empty()) {
      Tensor xp = x_prev_and_x0(x, e, idx, pred_x0);
      Tensor e_next = r.denoise(xp, t_next);
      e_prime = emap([](float a, float b) { return (a + b) / 2.0f; }, e, e_next);
    } else if (old.size() == 1) {
      e_prime = emap([](float a, float b) { return (3.0f * a - b) / 2.0f; }, e, old[0]);
    } else if (old.size() == 2) {
      e_prime = emap([](float a, float b, float c) { return (23.0f * a - 16.0f * b + 5.0f * c) / 12.0f; }, e, old[1], old[0]);
    } else {
      e_prime = emap([](float a, float b, float c, float d) { return (55.0f * a - 59.0f * b + 37.0f * c - 9.0f * d) / 24.0f; },
                     e, old[2], old[1], old[0]);
    }
    x = x_prev_and_x0(x, e_prime, idx, pred_x0);
    old.push_back(e);
    if (old.size() >= 4) old.pop_front();
    r.report(int(i), 0.f, 0.f, x, pred_x0);
  }
  return x;
}

}  // namespace easel
