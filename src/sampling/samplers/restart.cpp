// Restart (A1111 sd_samplers_extra.restart_sampler): Heun steps; from 20 steps on, a karras
// schedule of steps - 9 points with one restart segment that re-noises from sigma ~0.1 up to ~2.
#include <cmath>

#include "sampling/samplers/common.h"
#include "sampling/schedule/schedulers.h"

namespace easel {
namespace {

std::vector<float> karras(int n, float smin, float smax) {
  ScheduleParams p;
  p.n = n;
  p.sigma_min = smin;
  p.sigma_max = smax;
  return sigmas_karras(p);
}

size_t argmin_abs(const std::vector<float>& s, double key) {
  const float k = float(key);
  size_t best = 0;
  for (size_t i = 1; i < s.size(); ++i)
    if (std::fabs(s[i] - k) < std::fabs(s[best] - k)) best = i;
  return best;
}

}  // namespace

Tensor sample_restart(SamplerRun& r, Tensor x) {
  std::vector<float> sig = r.sigmas;
  const int steps = int(sig.size()) - 1;
  struct Restart { size_t at; int steps, times; double max; };
  std::vector<Restart> restarts;
  if (steps >= 20) {
    int rs = 9, rt = 1;
    if (steps >= 36) rs = steps / 4, rt = 2;
    sig = karras(steps - rs * rt, sig[sig.size() - 2], sig[0]);
    restarts.push_back({argmin_abs(sig, 0.1), rs + 1, rt, 2.0});
  }
  std::vector<std::pair<float, float>> step_list;
  for (size_t i = 0; i + 1 < sig.size(); ++i) {
    step_list.push_back({sig[i], sig[i + 1]});
    for (auto& rst : restarts) {
      if (rst.at != i + 1) continue;
      const size_t min_idx = i + 1, max_idx = argmin_abs(sig, rst.max);
      if (max_idx < min_idx) {
        auto sr = karras(rst.steps, sig[min_idx], sig[max_idx]);
        sr.pop_back();
        for (int t = 0; t < rst.times; ++t)
          for (size_t j = 0; j + 1 < sr.size(); ++j) step_list.push_back({sr[j], sr[j + 1]});
      }
    }
  }
  int step_id = 0;
  bool first = true;
  float last = 0;
  const float sn = float(r.opts.s_noise);
  for (auto [old_s, new_s] : step_list) {
    if (first) {
      last = old_s;
      first = false;
    } else if (last < old_s) {
      const float k = std::sqrt(old_s * old_s - last * last);
      Tensor nz = r.randn_like(x);
      x = emap([=](float a, float z) { return a + (z * sn) * k; }, x, nz);
    }
    Tensor den = r.denoise(x, old_s);
    Tensor d = ksamp::to_d(x, old_s, den);
    r.report(step_id, new_s, old_s, x, den);
    const float dt = new_s - old_s;
    if (new_s == 0) {
      x = ksamp::euler_step(x, d, dt);
    } else {
      Tensor x2 = ksamp::euler_step(x, d, dt);
      Tensor d2 = ksamp::to_d(x2, new_s, r.denoise(x2, new_s));
      x = emap([dt](float a, float p, float q) { return a + ((p + q) / 2.0f) * dt; }, x, d, d2);
    }
    ++step_id;
    last = new_s;
  }
  return x;
}

}  // namespace easel
