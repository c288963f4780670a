// Building blocks shared by the networks: weight-carrying layers made once at load through the
// backend (Conv, Linear, Norm), and Stage, the activation allocator of one model evaluation.
#pragma once
#include <memory>
#include <string>

#include "backend/backend.h"
#include "models/common/weights.h"

namespace easel {

// A convolution made from `<prefix>.weight` [cout, cin, k, k] (+ `<prefix>.bias`).
struct Conv {
  std::unique_ptr<Conv2dOp> op;
  int64_t cin = 0, cout = 0, k = 1;
  void load(Backend& be, WeightReader& w, const std::string& prefix, int64_t cin, int64_t cout, int k,
            const Conv2dDesc& d, bool bias = true);
  // Same-padded k x k convolution with the given stride.
  void load_same(Backend& be, WeightReader& w, const std::string& prefix, int64_t cin, int64_t cout, int k,
                 int stride = 1) {
    load(be, w, prefix, cin, cout, k, Conv2dDesc::same(k, stride));
  }
  Shape out_shape(const Shape& x) const { return op->output_shape(x); }
  // Multiply-adds x2 of one evaluation on input shape x.
  double flops(const Shape& x) const { return 2.0 * double(cin * k * k) * double(shape_numel(out_shape(x))); }
};

// A linear layer from `<prefix>.weight` [out, in] (+ bias). `kernel_1x1` accepts the LDM
// storage of a 1x1 convolution [out, in, 1, 1] used on token-major activations.
struct Linear {
  std::unique_ptr<LinearOp> op;
  int64_t in = 0, out = 0;
  void load(Backend& be, WeightReader& w, const std::string& prefix, int64_t in, int64_t out, bool bias = true,
            bool kernel_1x1 = false);
  double flops(int64_t rows) const { return 2.0 * double(rows) * double(in) * double(out); }
};

// FLOPs of multi-head attention (QK^T and PV) over B x nq queries, nk keys, width c.
inline double attention_flops(int64_t b, int64_t nq, int64_t nk, int64_t c) { return 4.0 * b * nq * nk * c; }

// GroupNorm / LayerNorm affine parameters as float32.
struct Norm {
  Tensor gamma, beta;
  void load(WeightReader& w, const std::string& prefix, int64_t channels);
};

// The activations of one evaluation of one stage: everything comes from the backend arena and is
// released when the Stage ends. Tracks the stage's own peak (the arena is shared by all stages)
// and logs it the first time and whenever it grows.
class Stage {
 public:
  Stage(Backend& be, const char* name, size_t& recorded_peak);
  ~Stage();
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;

  Backend& be;
  Tensor alloc(const Shape& shape);
  // A view of the first numel(shape) elements of `buf` (ping-pong buffers sized for the largest use).
  static Tensor view(const Tensor& buf, const Shape& shape);

 private:
  Arena& arena_;
  ArenaScope scope_;
  const char* name_;
  size_t& recorded_;
  size_t base_, peak_ = 0, global_peak_before_;
};

}  // namespace easel
