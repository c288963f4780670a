// torch float32 reductions for slerp in ATen's orders (the elementwise math is core/torch_math).
// Built with -ffp-contract=off.
#include "sampling/rng/torch_float_ops.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "sampling/rng/torch_cpu_generator.h"

namespace easel {
namespace {

int64_t ceil_log2(int64_t x) {
  if (x <= 2) return 1;
  int64_t r = 0;
  for (uint64_t v = uint64_t(x - 1); v; v >>= 1) ++r;
  return r;
}

// ATen multi_row_sum for one column: accumulate in chunks of 2^p rows into four levels, carrying
// a level up whenever the row count crosses a multiple of 2^(p*level).
template <typename Load>
float cascade_rows(int64_t rows, Load load) {
  const int64_t power = std::max<int64_t>(4, ceil_log2(rows) / 4);
  const int64_t step = int64_t(1) << power, mask = step - 1;
  float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  int64_t i = 0;
  while (i + step <= rows) {
    for (int64_t j = 0; j < step; ++j, ++i) acc[0] = acc[0] + load(i);
    for (int j = 1; j < 4; ++j) {
      acc[j] = acc[j] + acc[j - 1];
      acc[j - 1] = 0.0f;
      if ((i & (mask << (j * power))) != 0) break;
    }
  }
  for (; i < rows; ++i) acc[0] = acc[0] + load(i);
  for (int j = 1; j < 4; ++j) acc[0] = acc[0] + acc[j];
  return acc[0];
}

// ATen row_sum: the rows viewed as [rows/4, 4], a cascade per column, leftovers into column 0,
// then the four partial sums added in order.
template <typename Load>
float interleaved_rows(int64_t rows, Load load) {
  const int64_t groups = rows / 4;
  std::array<float, 4> part;
  for (int k = 0; k < 4; ++k) part[k] = cascade_rows(groups, [&](int64_t g) { return load(4 * g + k); });
  for (int64_t i = groups * 4; i < rows; ++i) part[0] = part[0] + load(i);
  return ((part[0] + part[1]) + part[2]) + part[3];
}

}  // namespace

void torch_norm_dim1(const float* x, int64_t C, int64_t H, int64_t W, float* out, TorchCpuKernel k) {
  // binary_kernel_reduce with NormTwoOps: acc + v*v in order; GCC fuses it under -mfma.
  const bool fused = k != TorchCpuKernel::Scalar;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t w = 0; w < W; ++w) {
      float acc = 0.0f;
      for (int64_t h = 0; h < H; ++h) {
        const float v = x[(c * H + h) * W + w];
        acc = fused ? std::fma(v, v, acc) : acc + v * v;
      }
      out[c * W + w] = std::sqrt(acc);
    }
}

void torch_sum_dim1(const float* x, int64_t C, int64_t H, int64_t W, float* out) {
  // cascade_sum's outer reduction: with W >= 8, blocks of 32 columns use a plain cascade over
  // the rows and the rest the interleaved row_sum; with W < 8, blocks of 4 and the rest.
  const int64_t block = W >= 8 ? 32 : 4;
  const int64_t direct = W / block * block;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t w = 0; w < W; ++w) {
      auto load = [&](int64_t h) { return x[(c * H + h) * W + w]; };
      const float s = w < direct ? cascade_rows(H, load) : interleaved_rows(H, load);
      out[c * W + w] = 0.0f + s;  // accumulated into a zero-filled output
    }
}

}  // namespace easel
