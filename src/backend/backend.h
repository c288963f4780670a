// The compute backend interface. Models are written only against this: they create weight-
// carrying ops once at load (make_conv2d / make_linear convert weights to the backend's layout)
// and call stateless ops on activations allocated from the backend's Arena. The CPU backend
// (backend/cpu) implements it with oneDNN + vectorised kernels; backend/ref with plain loops
// (the conformance reference). A CUDA backend can be added behind the same interface.
#pragma once
#include <memory>
#include <string>

#include "core/arena.h"
#include "core/tensor.h"

namespace easel {

enum class Act { None, SiLU, GELU, QuickGELU };

struct Conv2dDesc {
  int stride = 1;
  // Explicit padding (top, left, bottom, right): the VAE's downsampler pads (0,1,0,1).
  int pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  static Conv2dDesc same(int k, int stride = 1) { return {stride, k / 2, k / 2, k / 2, k / 2}; }
};

// A 2-D convolution whose weight [Cout, Cin, kh, kw] (+ bias [Cout]) was converted once.
class Conv2dOp {
 public:
  virtual ~Conv2dOp() = default;
  virtual Shape output_shape(const Shape& x) const = 0;
  // x [N, Cin, H, W] -> y [N, Cout, Ho, Wo] (y preallocated). With `residual` (shape of y):
  // y = conv(x) + bias + residual, fused.
  virtual void forward(const Tensor& x, Tensor& y, const Tensor* residual = nullptr) = 0;
};

// y = act(x W^T + b) (+ residual); weight [N, K], bias [N]. x is [..., K] (all leading
// dimensions flattened into M rows), y is [..., N].
class LinearOp {
 public:
  virtual ~LinearOp() = default;
  virtual int64_t in_features() const = 0;
  virtual int64_t out_features() const = 0;
  virtual void forward(const Tensor& x, Tensor& y, const Tensor* residual = nullptr, Act act = Act::None) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  Arena& arena() { return arena_; }

  // Weights may be any float dtype (F32/F16/BF16...); they are converted at creation.
  virtual std::unique_ptr<Conv2dOp> make_conv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) = 0;
  virtual std::unique_ptr<LinearOp> make_linear(const Tensor& w, const Tensor* b) = 0;

  // Normalisations. y may alias x. gamma/beta are F32 of the channel/feature count.
  // group_norm: x [N, C, ...spatial], statistics per (n, group) in float; optional fused SiLU.
  virtual void group_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, int groups,
                          float eps, bool silu) = 0;
  // layer_norm over the last dimension.
  virtual void layer_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, float eps) = 0;

  // Elementwise. y may alias x (or a/b).
  virtual void activation(const Tensor& x, Tensor& y, Act act) = 0;
  // x [..., 2F] -> y [..., F]: y = x[..., :F] * gelu(x[..., F:]) (erf GELU, as diffusers GEGLU).
  virtual void geglu(const Tensor& x, Tensor& y) = 0;
  // b has a's shape, or a trailing part of it repeated over a's leading dims (e.g. a position
  // embedding [L, C] added to [B, L, C]).
  virtual void add(const Tensor& a, const Tensor& b, Tensor& y) = 0;
  // x [N, C, ...] += bias [N, C] broadcast over the spatial dims (ResNet time-embedding add).
  virtual void add_channel_bias(Tensor& x, const Tensor& bias) = 0;
  virtual void scale(const Tensor& x, Tensor& y, float s) = 0;
  // Softmax over the last dimension.
  virtual void softmax(const Tensor& x, Tensor& y) = 0;
  // Sinusoidal timestep embedding as LDM's timestep_embedding (cos half first): t [N] -> y [N, dim],
  // y[n, i] = cos(t[n] f_i), y[n, half + i] = sin(t[n] f_i), f_i = exp(-ln(max_period) i / half),
  // half = dim / 2 (a last zero column when dim is odd). Computed in float32 like torch.
  virtual void timestep_embedding(const Tensor& t, Tensor& y, float max_period = 10000.f) = 0;

  // Multi-head scaled dot-product attention: q [B, Nq, H*D], k, v [B, Nk, H*D] -> out [B, Nq, H*D],
  // scale 1/sqrt(D); `causal` masks keys j > i (CLIP). Must not materialise Nq x Nk for large N.
  virtual void attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, int heads,
                         bool causal) = 0;

  // Layout / shape ops.
  virtual void upsample_nearest2x(const Tensor& x, Tensor& y) = 0;        // [N,C,H,W] -> [N,C,2H,2W]
  virtual void concat_channels(const Tensor& a, const Tensor& b, Tensor& y) = 0;  // along dim 1 of NCHW
  virtual void nchw_to_nlc(const Tensor& x, Tensor& y) = 0;   // [N,C,H,W] -> [N,H*W,C]
  virtual void nlc_to_nchw(const Tensor& x, Tensor& y, int64_t h, int64_t w) = 0;  // inverse

  // Copies host data into / out of backend memory (identity copies on CPU backends).
  virtual void copy(const Tensor& src, Tensor& dst) = 0;

 protected:
  Arena arena_;
};

// "cpu" (default) or "ref". Throws Error listing the valid names for anything else.
std::unique_ptr<Backend> make_backend(const std::string& name = "cpu");

}  // namespace easel
