// Reference layout ops: nearest upsampling, channel concatenation, NCHW <-> NLC, copies.
#include <cstring>

#include "backend/checks.h"
#include "backend/ref/ref_backend.h"

namespace easel {

void RefBackend::upsample_nearest2x(const Tensor& x, Tensor& y) {
  bk::check_upsample_nearest2x(x, y);
  const int64_t NC = x.dim(0) * x.dim(1), H = x.dim(2), W = x.dim(3);
  for (int64_t p = 0; p < NC; ++p)
    for (int64_t i = 0; i < 2 * H; ++i)
      for (int64_t j = 0; j < 2 * W; ++j) y.f32()[(p * 2 * H + i) * 2 * W + j] = x.f32()[(p * H + i / 2) * W + j / 2];
}

void RefBackend::concat_channels(const Tensor& a, const Tensor& b, Tensor& y) {
  bk::check_concat_channels(a, b, y);
  const int64_t N = a.dim(0), S = a.numel() / std::max<int64_t>(1, N * a.dim(1));
  const int64_t ca = a.dim(1) * S, cb = b.dim(1) * S;
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t i = 0; i < ca; ++i) y.f32()[n * (ca + cb) + i] = a.f32()[n * ca + i];
    for (int64_t i = 0; i < cb; ++i) y.f32()[n * (ca + cb) + ca + i] = b.f32()[n * cb + i];
  }
}

void RefBackend::nchw_to_nlc(const Tensor& x, Tensor& y) {
  const auto [N, C, L] = bk::check_nchw_to_nlc(x, y);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t l = 0; l < L; ++l) y.f32()[(n * L + l) * C + c] = x.f32()[(n * C + c) * L + l];
}

void RefBackend::nlc_to_nchw(const Tensor& x, Tensor& y, int64_t h, int64_t w) {
  const auto [N, L, C] = bk::check_nlc_to_nchw(x, y, h, w);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t l = 0; l < L; ++l) y.f32()[(n * C + c) * L + l] = x.f32()[(n * L + l) * C + c];
}

void RefBackend::copy(const Tensor& src, Tensor& dst) {
  if (!src.defined() || !dst.defined()) fail("copy: tensor not allocated");
  bk::need_numel(dst, src.numel(), "copy", "dst");
  if (src.dtype() == dst.dtype()) {
    if (src.raw() != dst.raw()) std::memmove(dst.raw(), src.raw(), src.nbytes());
  } else if (dst.dtype() == DType::F32 && dtype_is_float(src.dtype())) {
    convert_to_f32(src.dtype(), src.raw(), dst.f32(), size_t(src.numel()));
  } else {
    fail("copy: cannot convert {} to {}", dtype_name(src.dtype()), dtype_name(dst.dtype()));
  }
}

}  // namespace easel
