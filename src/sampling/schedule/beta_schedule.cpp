// A1111's "Beta" schedule: scipy.stats.beta.ppf(1 - linspace(0, 1, n), a, b) mapped linearly onto
// [sigma_min, sigma_max] in double, with our own double-precision inverse incomplete beta.
#include <cmath>

#include "core/error.h"
#include "sampling/schedule/schedulers.h"

namespace easel {
namespace {

// Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2).
double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < 1e-16) break;
  }
  return h;
}

// Regularized incomplete beta I_x(a, b).
double ibeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double lfront = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(lfront) * beta_cf(a, b, x) / a;
  return 1.0 - std::exp(lfront) * beta_cf(b, a, 1.0 - x) / b;
}

// Inverse by bisection to the last bit (I_x is monotone; n is small so cost does not matter).
double ibeta_inv(double a, double b, double p) {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  double lo = 0, hi = 1;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (ibeta(a, b, mid) < p) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

std::vector<float> sigmas_beta(const ScheduleParams& p) {
  if (p.n < 1) fail("beta schedule: steps must be >= 1, got {}", p.n);
  if (!(p.beta_alpha > 0) || !(p.beta_beta > 0)) fail("beta schedule: alpha and beta must be > 0");
  std::vector<float> out;
  const double step = p.n > 1 ? 1.0 / double(p.n - 1) : 0.0;
  for (int i = 0; i < p.n; ++i) {
    const double lin = (p.n > 1 && i == p.n - 1) ? 1.0 : double(i) * step;
    const double x = ibeta_inv(p.beta_alpha, p.beta_beta, 1.0 - lin);
    out.push_back(float(p.sigma_min + x * (p.sigma_max - p.sigma_min)));
  }
  out.push_back(0.f);
  return out;
}

}  // namespace easel
