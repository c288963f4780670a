// k-diffusion's DPMSolver (t = -log sigma): the 1/2/3-stage steps shared by DPM fast and DPM
// adaptive, with the per-step eps cache.
#pragma once
#include <map>
#include <string>
#include <utility>

#include "sampling/samplers/common.h"

namespace easel::ksamp {

class DpmSolver {
 public:
  explicit DpmSolver(SamplerRun& r) : r_(r) {}
  static float t_of(float sigma) { return -std::log(sigma); }
  static float sigma_of(float t) { return std::exp(-t); }
  using Cache = std::map<std::string, Tensor>;

  // The ancestral split of a step from t to tn (eta != 0): the time the deterministic step goes
  // to, at most t_end, and the scale su of the noise added after it; (tn, 0) when eta is 0.
  static std::pair<float, float> ancestral_target(float t, float tn, float t_end, double eta) {
    if (eta == 0) return {tn, 0.f};
    const float sd = ancestral_step(sigma_of(t), sigma_of(tn), eta).first;
    const float tn_ = std::fmin(t_end, t_of(sd));
    const float a = sigma_of(tn), b = sigma_of(tn_);
    return {tn_, std::sqrt(a * a - b * b)};
  }

  Tensor eps(Cache& c, const std::string& key, const Tensor& x, float t);
  Tensor step1(Cache& c, const Tensor& x, float t, float tn);
  Tensor step2(Cache& c, const Tensor& x, float t, float tn, float r1 = 0.5f);
  Tensor step3(Cache& c, const Tensor& x, float t, float tn, float r1 = float(1.0 / 3), float r2 = float(2.0 / 3));

 private:
  SamplerRun& r_;
};

}  // namespace easel::ksamp
