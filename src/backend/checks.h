// Argument checks shared by every backend: each op validates dtypes and shapes up front and
// fails with a message naming the op and argument, so bad graphs never reach a kernel.
#pragma once
#include "core/error.h"
#include "core/tensor.h"

namespace easel::bk {

inline void need_f32(const Tensor& t, const char* op, const char* arg) {
  if (!t.defined()) fail("{}: {} is not allocated", op, arg);
  if (t.dtype() != DType::F32) fail("{}: {} must be F32, got {}", op, arg, dtype_name(t.dtype()));
}

inline void need_shape(const Tensor& t, const Shape& s, const char* op, const char* arg) {
  if (t.shape() != s) fail("{}: {} has shape {}, expected {}", op, arg, shape_str(t.shape()), shape_str(s));
}

inline void need_numel(const Tensor& t, int64_t n, const char* op, const char* arg) {
  if (t.numel() != n) fail("{}: {} has {} elements ({}), expected {}", op, arg, t.numel(), shape_str(t.shape()), n);
}

inline void need_rank(const Tensor& t, int r, const char* op, const char* arg) {
  if (t.ndim() != r) fail("{}: {} must have {} dimensions, got {}", op, arg, r, shape_str(t.shape()));
}

// Output shape of a 2-D convolution over an input of spatial size h x w.
inline int64_t conv_out(int64_t in, int64_t k, int stride, int pad_a, int pad_b) {
  return (in + pad_a + pad_b - k) / stride + 1;
}

}  // namespace easel::bk
