// LMS (k-diffusion sample_lms, order 4): Adams-style coefficients from integrating the Lagrange
// basis over the float32 sigmas in double (upstream: scipy quad; the integrand is a cubic, so a
// 3-point Gauss rule is exact), rounded to float32 where they meet the tensors.
#include <deque>

#include "sampling/samplers/common.h"

namespace easel {
namespace {

double lms_coeff(int order, const std::vector<float>& t, int i, int j) {
  auto fn = [&](double tau) {
    double prod = 1.0;
    for (int k = 0; k < order; ++k) {
      if (k == j) continue;
      const float den = t[size_t(i - j)] - t[size_t(i - k)];  // numpy float32 - float32
      prod *= (tau - double(t[size_t(i - k)])) / double(den);
    }
    return prod;
  };
  const double a = t[size_t(i)], b = t[size_t(i + 1)];
  const double c = 0.5 * (a + b), h = 0.5 * (b - a), q = std::sqrt(0.6);
  return h * (5.0 / 9.0 * fn(c - h * q) + 8.0 / 9.0 * fn(c) + 5.0 / 9.0 * fn(c + h * q));
}

}  // namespace

Tensor sample_lms(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  const int order = 4;
  std::deque<Tensor> ds;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    Tensor den = r.denoise(x, s[i]);
    ds.push_back(ksamp::to_d(x, s[i], den));
    if (int(ds.size()) > order) ds.pop_front();
    r.report(int(i), s[i], s[i], x, den);
    const int cur = std::min(int(i) + 1, order);
    Tensor acc;
    for (int j = 0; j < cur; ++j) {
      const float c = float(lms_coeff(cur, s, int(i), j));
      const Tensor& d = ds[ds.size() - 1 - size_t(j)];
      acc = j == 0 ? emap([c](float v) { return c * v; }, d) : emap([c](float a, float v) { return a + c * v; }, acc, d);
    }
    x = emap([](float a, float b) { return a + b; }, x, acc);
  }
  return x;
}

}  // namespace easel
