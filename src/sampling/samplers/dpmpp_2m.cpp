// DPM++ 2M (k-diffusion sample_dpmpp_2m).
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_dpmpp_2m(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  Tensor old;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    Tensor den = r.denoise(x, s[i]);
    r.report(int(i), s[i], s[i], x, den);
    const float t = -std::log(s[i]), tn = -std::log(s[i + 1]), h = tn - t;
    const float a = std::exp(-tn) / std::exp(-t), b = std::expm1(-h);
    if (!old.defined() || s[i + 1] == 0) {
      x = emap([=](float v, float d) { return a * v - b * d; }, x, den);
    } else {
      const float h_last = t - (-std::log(s[i - 1])), rr = h_last / h;
      const float k = 1.0f / (2.0f * rr), k1 = 1.0f + k;
      x = emap([=](float v, float d, float o) { return a * v - b * (k1 * d - k * o); }, x, den, old);
    }
    old = den;
  }
  return x;
}

}  // namespace easel
