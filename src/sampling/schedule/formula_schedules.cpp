// A1111 schedule types computed from sigma_min/sigma_max alone: KL Optimal (float32 torch ops,
// the kernel's atan/tan) and Align Your Steps (NVIDIA's tables with numpy's log-linear
// interpolation, in double like numpy). Built with -ffp-contract=off.
#include <cmath>

#include "core/error.h"
#include "core/torch_math.h"
#include "sampling/schedule/schedulers.h"

namespace easel {
namespace {

// numpy.linspace(0, 1, n): i * step + start, last element set to stop.
std::vector<double> np_linspace01(int n) {
  std::vector<double> y(static_cast<size_t>(n));
  const double step = n > 1 ? 1.0 / double(n - 1) : 0.0;
  for (int i = 0; i < n; ++i) y[size_t(i)] = double(i) * step;
  if (n > 1) y.back() = 1.0;
  return y;
}

// numpy.interp for increasing xp.
double np_interp(double x, const std::vector<double>& xp, const std::vector<double>& yp) {
  const size_t last = xp.size() - 1;
  if (x >= xp[last]) return yp[last];
  if (x < xp[0]) return yp[0];
  size_t j = 0;
  while (j + 1 < xp.size() && xp[j + 1] <= x) ++j;
  if (x == xp[j]) return yp[j];
  const double slope = (yp[j + 1] - yp[j]) / (xp[j + 1] - xp[j]);
  return slope * (x - xp[j]) + yp[j];
}

}  // namespace

std::vector<float> sigmas_kl_optimal(const ScheduleParams& p) {
  if (p.n < 1) fail("kl_optimal schedule: steps must be >= 1, got {}", p.n);
  const float amin = torch_atan(float(p.sigma_min), p.kernel), amax = torch_atan(float(p.sigma_max), p.kernel);
  std::vector<float> out;
  for (int i = 0; i <= p.n; ++i) {
    const float s = float(i) / float(p.n);
    out.push_back(s * amin + (1.0f - s) * amax);
  }
  torch_tan(out.data(), out.data(), int64_t(out.size()), p.kernel);
  return out;
}

std::vector<float> sigmas_align_your_steps(const ScheduleParams& p) {
  if (p.n < 1) fail("align_your_steps schedule: steps must be >= 1, got {}", p.n);
  static const std::vector<double> sd15 = {14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029};
  static const std::vector<double> sdxl = {14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.029};
  const auto& table = p.is_sdxl ? sdxl : sd15;
  std::vector<float> out;
  if (size_t(p.n) == table.size()) {
    for (double v : table) out.push_back(float(v));
  } else {
    const auto xs = np_linspace01(int(table.size()));
    std::vector<double> ys;
    for (auto it = table.rbegin(); it != table.rend(); ++it) ys.push_back(std::log(*it));
    const auto nx = np_linspace01(p.n);
    std::vector<double> interp;
    for (double x : nx) interp.push_back(std::exp(np_interp(x, xs, ys)));
    for (auto it = interp.rbegin(); it != interp.rend(); ++it) out.push_back(float(*it));
  }
  out.push_back(0.f);
  return out;
}

}  // namespace easel
