// DpmSolver steps, spelled as k-diffusion's DPMSolver with float32 0-dim scalars.
#include "sampling/samplers/dpm_solver.h"

namespace easel::ksamp {

Tensor DpmSolver::eps(Cache& c, const std::string& key, const Tensor& x, float t) {
  if (auto it = c.find(key); it != c.end()) return it->second;
  const float sg = sigma_of(t);
  Tensor den = r_.denoise(x, sg);
  Tensor e = emap([sg](float a, float d) { return (a - d) / sg; }, x, den);
  c[key] = e;
  return e;
}

Tensor DpmSolver::step1(Cache& c, const Tensor& x, float t, float tn) {
  const float h = tn - t;
  Tensor e = eps(c, "eps", x, t);
  const float k = sigma_of(tn) * std::expm1(h);
  return emap([k](float a, float v) { return a - k * v; }, x, e);
}

Tensor DpmSolver::step2(Cache& c, const Tensor& x, float t, float tn, float r1) {
  const float h = tn - t;
  Tensor e = eps(c, "eps", x, t);
  const float s1 = t + r1 * h;
  const float k1 = sigma_of(s1) * std::expm1(r1 * h);
  Tensor u1 = emap([k1](float a, float v) { return a - k1 * v; }, x, e);
  Tensor e1 = eps(c, "eps_r1", u1, s1);
  const float a = sigma_of(tn) * std::expm1(h), b = sigma_of(tn) / (2.0f * r1) * std::expm1(h);
  return emap([=](float v, float p, float q) { return v - a * p - b * (q - p); }, x, e, e1);
}

Tensor DpmSolver::step3(Cache& c, const Tensor& x, float t, float tn, float r1, float r2) {
  const float h = tn - t;
  Tensor e = eps(c, "eps", x, t);
  const float s1 = t + r1 * h, s2 = t + r2 * h;
  const float k1 = sigma_of(s1) * std::expm1(r1 * h);
  Tensor u1 = emap([k1](float a, float v) { return a - k1 * v; }, x, e);
  Tensor e1 = eps(c, "eps_r1", u1, s1);
  const float ratio = float(double(r2) / double(r1));
  const float a2 = sigma_of(s2) * std::expm1(r2 * h);
  const float b2 = sigma_of(s2) * ratio * (std::expm1(r2 * h) / (r2 * h) - 1.0f);
  Tensor u2 = emap([=](float v, float p, float q) { return v - a2 * p - b2 * (q - p); }, x, e, e1);
  Tensor e2 = eps(c, "eps_r2", u2, s2);
  const float a3 = sigma_of(tn) * std::expm1(h), b3 = sigma_of(tn) / r2 * (std::expm1(h) / h - 1.0f);
  return emap([=](float v, float p, float q) { return v - a3 * p - b3 * (q - p); }, x, e, e2);
}

}  // namespace easel::ksamp
