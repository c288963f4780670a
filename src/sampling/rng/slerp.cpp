// slerp as torch evaluates A1111's expression: each tensor op rounds to float32, python scalars
// are rounded to float first, reductions and acos/sin follow the ATen kernel. Built with
// -ffp-contract=off.
#include "sampling/rng/slerp.h"

#include <vector>

#include "core/torch_math.h"
#include "sampling/rng/torch_cpu_generator.h"
#include "sampling/rng/torch_float_ops.h"

namespace easel {

void slerp_a1111(double val, const float* low, const float* high, float* out, int64_t C, int64_t H,
                 int64_t W, RandnSource source) {
  // The reference ran these ops with torch on the CPU: the portable kernel for the scalar
  // source, AVX2 otherwise (NV noise is a CPU tensor too).
  const TorchCpuKernel k = source == RandnSource::CpuScalar ? TorchCpuKernel::Scalar : TorchCpuKernel::Avx2;
  const TorchKernel tk = source == RandnSource::CpuScalar ? TorchKernel::Scalar : TorchKernel::Avx2;
  const int64_t n = C * H * W, m = C * W;
  std::vector<float> nl(static_cast<size_t>(m)), nh(nl.size()), prod(static_cast<size_t>(n)), dot(nl.size());
  torch_norm_dim1(low, C, H, W, nl.data(), k);
  torch_norm_dim1(high, C, H, W, nh.data(), k);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w) {
        const int64_t i = (c * H + h) * W + w, j = c * W + w;
        prod[size_t(i)] = (low[i] / nl[size_t(j)]) * (high[i] / nh[size_t(j)]);
      }
  torch_sum_dim1(prod.data(), C, H, W, dot.data());

  // dot.mean() only picks the branch; a double sum stands in for torch's float cascade.
  double sum = 0;
  for (float d : dot) sum += d;
  if (float(sum / double(m)) > 0.9995f) {
    // Upstream quirk: the nearly-parallel fallback weighs low by val, not by 1 - val.
    const float a = float(val), b = float(1.0 - val);
    for (int64_t i = 0; i < n; ++i) out[i] = low[i] * a + high[i] * b;
    return;
  }
  std::vector<float> omega(dot.size()), so(dot.size()), ta(dot.size()), tb(dot.size());
  torch_acos(dot.data(), omega.data(), m, tk);
  torch_sin(omega.data(), so.data(), m, tk);
  const float va = float(1.0 - val), vb = float(val);
  for (int64_t j = 0; j < m; ++j) {
    ta[size_t(j)] = va * omega[size_t(j)];
    tb[size_t(j)] = vb * omega[size_t(j)];
  }
  torch_sin(ta.data(), ta.data(), m, tk);
  torch_sin(tb.data(), tb.data(), m, tk);
  for (int64_t j = 0; j < m; ++j) {
    ta[size_t(j)] = ta[size_t(j)] / so[size_t(j)];
    tb[size_t(j)] = tb[size_t(j)] / so[size_t(j)];
  }
  for (int64_t c = 0; c < C; ++c)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w) {
        const int64_t i = (c * H + h) * W + w, j = c * W + w;
        out[i] = ta[size_t(j)] * low[i] + tb[size_t(j)] * high[i];
      }
}

}  // namespace easel
