// torch 1.13 CPU linspace: step in the output dtype; index i < n/2 counts from start, the rest
// from end; runs of 2 vectors take a base from that formula at their first index plus lane*step.
#include "sampling/schedule/linspace.h"

#include <cmath>

namespace easel {
namespace {

template <typename T, int V>
std::vector<T> linspace_impl(T a, T b, int64_t n, TorchKernel k) {
  std::vector<T> out;
  if (n <= 0) return out;
  out.resize(size_t(n));
  if (n == 1) {
    out[0] = a;
    return out;
  }
  const T step = (b - a) / T(n - 1);
  const int64_t half = n / 2;
  const bool fused = k == TorchKernel::Avx2;
  auto elem = [&](int64_t i) -> T {
    if (i < half) return fused ? std::fma(step, T(i), a) : a + step * T(i);
    return fused ? std::fma(-step, T(n - i - 1), b) : b - step * T(n - i - 1);
  };
  int64_t idx = 0;
  while (n - idx >= 2 * V) {
    for (int r = 0; r < 2; ++r) {
      const T base = elem(idx);
      for (int j = 0; j < V; ++j) {
        volatile T lane = T(j) * step;  // lanes are a separate multiply, never fused
        out[size_t(idx + j)] = base + lane;
      }
      idx += V;
    }
  }
  for (; idx < n; ++idx) out[size_t(idx)] = elem(idx);
  return out;
}

}  // namespace

std::vector<float> torch_linspace_f32(float start, float end, int64_t n, TorchKernel k) {
  return linspace_impl<float, 8>(start, end, n, k);
}

std::vector<double> torch_linspace_f64(double start, double end, int64_t n, TorchKernel k) {
  return linspace_impl<double, 4>(start, end, n, k);
}

}  // namespace easel
