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
  bk::check_add(a, b, y);
  const int64_t n = a.numel(), nb = b.numel();
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
  const auto [NC, S] = bk::check_add_channel_bias(x, bias);
  float* px = x.f32();
  const float* pb = bias.f32();
  parallel_for(NC, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p)
      for (int64_t s = 0; s < S; ++s) px[p * S + s] += pb[p];
  }, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, S)));
}

void CpuBackend::scale(const Tensor& x, Tensor& y, float s) {
  bk::check_same_numel(x, y, "scale");
  const float* px = x.f32();
  float* py = y.f32();
  parallel_for(x.numel(), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) py[i] = px[i] * s;
  }, kGrain);
}

void CpuBackend::upsample_nearest2x(const Tensor& x, Tensor& y) {
  bk::check_upsample_nearest2x(x, y);
  const int64_t H = x.dim(2), W = x.dim(3);
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
  bk::check_concat_channels(a, b, y);
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
  const auto [N, C, L] = bk::check_nchw_to_nlc(x, y);
  if (x.raw() == y.raw()) fail("nchw_to_nlc: y must not alias x");
  cpu::transpose_batched(x.f32(), y.f32(), N, C, L);
}

void CpuBackend::nlc_to_nchw(const Tensor& x, Tensor& y, int64_t h, int64_t w) {
  const auto [N, L, C] = bk::check_nlc_to_nchw(x, y, h, w);
  if (x.raw() == y.raw()) fail("nlc_to_nchw: y must not alias x");
  cpu::transpose_batched(x.f32(), y.f32(), N, L, C);
}

}  // namespace easel
