// Argument checks shared by every backend: each op validates dtypes and shapes up front and
// fails with a message naming the op and argument, so bad graphs never reach a kernel. The op
// contracts below are the Backend interface's, checked in the same order by every backend.
#pragma once
#include <algorithm>
#include <array>
#include <utility>

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

// activation, scale: y holds as many elements as x.
inline void check_same_numel(const Tensor& x, const Tensor& y, const char* op) {
  need_f32(x, op, "x");
  need_f32(y, op, "y");
  need_numel(y, x.numel(), op, "y");
}

// geglu: x's last dimension is even, y is x with that dimension halved. Returns the half, F.
inline int64_t check_geglu(const Tensor& x, const Tensor& y) {
  need_f32(x, "geglu", "x");
  need_f32(y, "geglu", "y");
  if (x.ndim() < 1 || x.dim(-1) % 2) fail("geglu: x {} needs an even last dimension", shape_str(x.shape()));
  const int64_t F = x.dim(-1) / 2;
  Shape ys = x.shape();
  ys.back() = F;
  need_shape(y, ys, "geglu", "y");
  return F;
}

inline void check_softmax(const Tensor& x, const Tensor& y) {
  need_f32(x, "softmax", "x");
  need_f32(y, "softmax", "y");
  need_shape(y, x.shape(), "softmax", "y");
  if (x.ndim() < 1 || x.dim(-1) < 1) fail("softmax: x {} has no last dimension", shape_str(x.shape()));
}

// add: b has a's shape or is a trailing part of it (repeated over the leading dimensions).
inline void check_add(const Tensor& a, const Tensor& b, const Tensor& y) {
  need_f32(a, "add", "a");
  need_f32(b, "add", "b");
  need_f32(y, "add", "y");
  need_numel(y, a.numel(), "add", "y");
  const int64_t nb = b.numel();
  bool trailing = b.ndim() <= a.ndim() && nb > 0;
  for (int i = 1; trailing && i <= b.ndim(); ++i) trailing = b.dim(-i) == a.dim(-i);
  if (!trailing && nb != a.numel())
    fail("add: b {} is neither a's shape {} nor a trailing part of it", shape_str(b.shape()), shape_str(a.shape()));
}

// add_channel_bias: x is [N, C, ...], bias one value per (image, channel). Returns {N * C, elements
// per channel}.
inline std::pair<int64_t, int64_t> check_add_channel_bias(const Tensor& x, const Tensor& bias) {
  need_f32(x, "add_channel_bias", "x");
  need_f32(bias, "add_channel_bias", "bias");
  if (x.ndim() < 2) fail("add_channel_bias: x {} needs [N, C, ...]", shape_str(x.shape()));
  const int64_t NC = x.dim(0) * x.dim(1), S = x.numel() / std::max<int64_t>(1, NC);
  need_numel(bias, NC, "add_channel_bias", "bias");
  return {NC, S};
}

inline void check_upsample_nearest2x(const Tensor& x, const Tensor& y) {
  need_f32(x, "upsample_nearest2x", "x");
  need_f32(y, "upsample_nearest2x", "y");
  need_rank(x, 4, "upsample_nearest2x", "x");
  need_shape(y, {x.dim(0), x.dim(1), 2 * x.dim(2), 2 * x.dim(3)}, "upsample_nearest2x", "y");
}

// concat_channels: a and b are [N, C, ...] alike but for C; y has both channel counts.
inline void check_concat_channels(const Tensor& a, const Tensor& b, const Tensor& y) {
  need_f32(a, "concat_channels", "a");
  need_f32(b, "concat_channels", "b");
  need_f32(y, "concat_channels", "y");
  if (a.ndim() < 2 || b.ndim() != a.ndim())
    fail("concat_channels: a {} and b {} must be [N, C, ...]", shape_str(a.shape()), shape_str(b.shape()));
  Shape ys = a.shape(), bs = a.shape();
  ys[1] += b.dim(1);
  bs[1] = b.dim(1);
  need_shape(b, bs, "concat_channels", "b");
  need_shape(y, ys, "concat_channels", "y");
}

// nchw_to_nlc: x [N, C, H, W] to y [N, H * W, C]. Returns {N, C, L = H * W}.
inline std::array<int64_t, 3> check_nchw_to_nlc(const Tensor& x, const Tensor& y) {
  need_f32(x, "nchw_to_nlc", "x");
  need_f32(y, "nchw_to_nlc", "y");
  need_rank(x, 4, "nchw_to_nlc", "x");
  const int64_t N = x.dim(0), C = x.dim(1), L = x.dim(2) * x.dim(3);
  need_shape(y, {N, L, C}, "nchw_to_nlc", "y");
  return {N, C, L};
}

// nlc_to_nchw: x [N, h * w, C] to y [N, C, h, w]. Returns {N, L = h * w, C}.
inline std::array<int64_t, 3> check_nlc_to_nchw(const Tensor& x, const Tensor& y, int64_t h, int64_t w) {
  need_f32(x, "nlc_to_nchw", "x");
  need_f32(y, "nlc_to_nchw", "y");
  need_rank(x, 3, "nlc_to_nchw", "x");
  const int64_t N = x.dim(0), L = x.dim(1), C = x.dim(2);
  if (h * w != L) fail("nlc_to_nchw: {} tokens is not {}x{}", L, h, w);
  need_shape(y, {N, C, h, w}, "nlc_to_nchw", "y");
  return {N, L, C};
}

// group_norm's shapes (the dtypes are checked first, by the caller: the CPU kernels also need
// gamma and beta in F32): x [N, C, ...] with C divisible into groups, y like x, gamma and beta of
// C. Returns {N, C, S} (S: elements per channel).
inline std::array<int64_t, 3> check_group_norm_shapes(const Tensor& x, const Tensor& y, const Tensor& gamma,
                                                      const Tensor& beta, int groups) {
  if (x.ndim() < 2) fail("group_norm: x {} needs [N, C, ...]", shape_str(x.shape()));
  need_shape(y, x.shape(), "group_norm", "y");
  const int64_t N = x.dim(0), C = x.dim(1), S = x.numel() / std::max<int64_t>(1, N * C);
  if (groups < 1 || C % groups) fail("group_norm: {} channels not divisible into {} groups", C, groups);
  need_numel(gamma, C, "group_norm", "gamma");
  need_numel(beta, C, "group_norm", "beta");
  return {N, C, S};
}

// layer_norm's shapes (dtypes checked by the caller, as for group_norm): y like x, gamma and beta
// of x's last dimension D, which is returned.
inline int64_t check_layer_norm_shapes(const Tensor& x, const Tensor& y, const Tensor& gamma, const Tensor& beta) {
  if (x.ndim() < 1) fail("layer_norm: x must have a feature dimension");
  need_shape(y, x.shape(), "layer_norm", "y");
  const int64_t D = x.dim(-1);
  need_numel(gamma, D, "layer_norm", "gamma");
  need_numel(beta, D, "layer_norm", "beta");
  return D;
}

// attention: q [B, Nq, C], k and v [B, Nk, C] with Nk >= 1, C divisible into heads, out like q.
// Returns {B, Nq, Nk, C}.
inline std::array<int64_t, 4> check_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                                              int heads) {
  need_f32(q, "attention", "q");
  need_f32(k, "attention", "k");
  need_f32(v, "attention", "v");
  need_f32(out, "attention", "out");
  need_rank(q, 3, "attention", "q");
  need_rank(k, 3, "attention", "k");
  const int64_t B = q.dim(0), Nq = q.dim(1), C = q.dim(2), Nk = k.dim(1);
  if (heads < 1 || C % heads) fail("attention: {} channels not divisible into {} heads", C, heads);
  need_shape(k, {B, Nk, C}, "attention", "k");
  need_shape(v, {B, Nk, C}, "attention", "v");
  need_shape(out, q.shape(), "attention", "out");
  if (Nk < 1) fail("attention: no keys");
  return {B, Nq, Nk, C};
}

}  // namespace easel::bk
