// CpuBackend's memory-bound ops (add, channel bias, scale, nearest upsampling, concatenation,
// NCHW <-> NLC transposes, copies): threaded loops the compiler vectorises; transposes in tiles.
#include <cstring>

#include "backend/checks.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/transpose.h"
#include "core/thread_pool.h"

namespace easel {
namespace {

constexpr int64_t kGrain = 1 << 15;  // elements worth a thread hand-off

}  // namespace

void CpuBackend::add(const Tensor& a, const Tensor& b, Tensor& y) {
  bk::need_f32(a, "add", "a");
  bk::need_f32(b, "add", "b");
  bk::need_f32(y, "add", "y");
  bk::need_numel(y, a.numel(), "add", "y");
  const int64_t n = a.numel(), nb = b.numel();
  bool trailing = b.ndim() <= a.ndim() && nb > 0;
  for (int i = 1; trailing && i <= b.ndim(); ++i) trailing = b.dim(-i) == a.dim(-i);
  if (!trailing && nb != n)
    fail("add: b {} is neither a's shape {} nor a trailing part of it", shape_str(b.shape()), shape_str(a.shape()));
  const float *pa = a.f32(), *pb = b.f32();
  float* py = y.f32();
  if (nb == n) {
    parallel_for(n, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) py[i] = pa[i] + pb[i];
    }, kGrain);
  } else {
    parallel_for(n / nb, [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; ++r)
        for (int64_t i = 0; i < nb; ++i) py[r * nb + i] = pa[r * nb + i] + pb[i];
    }, std::max<int64_t>(1, kGrain / nb));
  }
}

void CpuBackend::add_channel_bias(Tensor& x, const Tensor& bias) {
  bk::need_f32(x, "add_channel_bias", "x");
  bk::need_f32(bias, "add_channel_bias", "bias");
  if (x.ndim() < 2) fail("add_channel_bias: x {} needs [N, C, ...]", shape_str(x.shape()));
  const int64_t NC = x.dim(0) * x.dim(1), S = x.numel() / std::max<int64_t>(1, NC);
  bk::need_numel(bias, NC, "add_channel_bias", "bias");
  float* px = x.f32();
  const float* pb = bias.f32();
  parallel_for(NC, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p)
      for (int64_t s = 0; s < S; ++s) px[p * S + s] += pb[p];
  }, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, S)));
}

void CpuBackend::scale(const Tensor& x, Tensor& y, float s) {
  bk::need_f32(x, "scale", "x");
  bk::need_f32(y, "scale", "y");
  bk::need_numel(y, x.numel(), "scale", "y");
  const float* px = x.f32();
  float* py = y.f32();
  parallel_for(x.numel(), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) py[i] = px[i] * s;
  }, kGrain);
}

void CpuBackend::upsample_nearest2x(const Tensor& x, Tensor& y) {
  bk::need_f32(x, "upsample_nearest2x", "x");
  bk::need_f32(y, "upsample_nearest2x", "y");
  bk::need_rank(x, 4, "upsample_nearest2x", "x");
  const int64_t H = x.dim(2), W = x.dim(3);
  bk::need_shape(y, {x.dim(0), x.dim(1), 2 * H, 2 * W}, "upsample_nearest2x", "y");
  const float* px = x.f32();
  float* py = y.f32();
  // One task per input row: widen it into output row 2i, then copy that to row 2i + 1.
  parallel_for(x.dim(0) * x.dim(1) * H, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const float* s = px + r * W;
      float* d = py + r * 4 * W;
      for (int64_t j = 0; j < W; ++j) d[2 * j] = d[2 * j + 1] = s[j];
      std::memcpy(d + 2 * W, d, size_t(2 * W) * 4);
    }
  }, std::max<int64_t>(1, kGrain / (4 * W)));
}

void CpuBackend::concat_channels(const Tensor& a, const Tensor& b, Tensor& y) {
  bk::need_f32(a, "concat_channels", "a");
  bk::need_f32(b, "concat_channels", "b");
  bk::need_f32(y, "concat_channels", "y");
  if (a.ndim() < 2 || b.ndim() != a.ndim())
    fail("concat_channels: a {} and b {} must be [N, C, ...]", shape_str(a.shape()), shape_str(b.shape()));
  Shape ys = a.shape(), bs = a.shape();
  ys[1] += b.dim(1);
  bs[1] = b.dim(1);
  bk::need_shape(b, bs, "concat_channels", "b");
  bk::need_shape(y, ys, "concat_channels", "y");
  const int64_t N = a.dim(0), S = a.numel() / std::max<int64_t>(1, N * a.dim(1));
  const int64_t ca = a.dim(1) * S, cb = b.dim(1) * S;
  const float *pa = a.f32(), *pb = b.f32();
  float* py = y.f32();
  // Tasks are (image, source) pairs split further into channel-sized pieces.
  const int64_t Ca = a.dim(1), Cb = b.dim(1);
  parallel_for(N * (Ca + Cb), [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t n = t / (Ca + Cb), c = t % (Ca + Cb);
      const float* src = c < Ca ? pa + n * ca + c * S : pb + n * cb + (c - Ca) * S;
      std::memcpy(py + n * (ca + cb) + c * S, src, size_t(S) * 4);
    }
  }, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, S)));
}

void CpuBackend::nchw_to_nlc(const Tensor& x, Tensor& y) {
  bk::need_f32(x, "nchw_to_nlc", "x");
  bk::need_f32(y, "nchw_to_nlc", "y");
  bk::need_rank(x, 4, "nchw_to_nlc", "x");
  const int64_t N = x.dim(0), C = x.dim(1), L = x.dim(2) * x.dim(3);
  bk::need_shape(y, {N, L, C}, "nchw_to_nlc", "y");
  if (x.raw() == y.raw()) fail("nchw_to_nlc: y must not alias x");
  cpu::transpose_batched(x.f32(), y.f32(), N, C, L);
}

void CpuBackend::nlc_to_nchw(const Tensor& x, Tensor& y, int64_t h, int64_t w) {
  bk::need_f32(x, "nlc_to_nchw", "x");
  bk::need_f32(y, "nlc_to_nchw", "y");
  bk::need_rank(x, 3, "nlc_to_nchw", "x");
  const int64_t N = x.dim(0), L = x.dim(1), C = x.dim(2);
  if (h * w != L) fail("nlc_to_nchw: {} tokens is not {}x{}", L, h, w);
  bk::need_shape(y, {N, C, h, w}, "nlc_to_nchw", "y");
  if (x.raw() == y.raw()) fail("nlc_to_nchw: y must not alias x");
  cpu::transpose_batched(x.f32(), y.f32(), N, L, C);
}

}  // namespace easel
