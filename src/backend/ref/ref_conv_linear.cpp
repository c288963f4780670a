// Reference convolution and linear layers: direct loops over the weight (converted to F32 once),
// accumulation in double.
#include <cmath>

#include "backend/act.h"
#include "backend/checks.h"
#include "backend/ref/ref_backend.h"

namespace easel {
namespace {

class RefConv2d : public Conv2dOp {
 public:
  RefConv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) : d_(d) {
    bk::need_rank(w, 4, "conv2d", "weight");
    w_ = w.to_f32();
    if (b) {
      bk::need_numel(*b, w.dim(0), "conv2d", "bias");
      b_ = b->to_f32();
    }
    if (d.stride < 1 || d.pad_t < 0 || d.pad_l < 0 || d.pad_b < 0 || d.pad_r < 0)
      fail("conv2d: invalid stride {} / padding ({},{},{},{})", d.stride, d.pad_t, d.pad_l, d.pad_b, d.pad_r);
  }

  Shape output_shape(const Shape& x) const override {
    if (x.size() != 4 || x[1] != w_.dim(1))
      fail("conv2d: input {} does not match weight {}", shape_str(x), shape_str(w_.shape()));
    int64_t ho = bk::conv_out(x[2], w_.dim(2), d_.stride, d_.pad_t, d_.pad_b);
    int64_t wo = bk::conv_out(x[3], w_.dim(3), d_.stride, d_.pad_l, d_.pad_r);
    if (ho < 1 || wo < 1) fail("conv2d: input {} too small for kernel {}", shape_str(x), shape_str(w_.shape()));
    return {x[0], w_.dim(0), ho, wo};
  }

  void forward(const Tensor& x, Tensor& y, const Tensor* residual) override {
    bk::need_f32(x, "conv2d", "x");
    const Shape ys = output_shape(x.shape());
    bk::need_f32(y, "conv2d", "y");
    bk::need_shape(y, ys, "conv2d", "y");
    if (residual) bk::need_shape(*residual, ys, "conv2d", "residual");
    const int64_t N = ys[0], Co = ys[1], Ho = ys[2], Wo = ys[3], Ci = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int64_t KH = w_.dim(2), KW = w_.dim(3);
    const float* xp = x.f32();
    const float* wp = w_.f32();
    const float* rp = residual ? residual->f32() : nullptr;
    float* yp = y.f32();
    for (int64_t n = 0; n < N; ++n)
      for (int64_t co = 0; co < Co; ++co)
        for (int64_t oh = 0; oh < Ho; ++oh)
          for (int64_t ow = 0; ow < Wo; ++ow) {
            double acc = b_.defined() ? b_.f32()[co] : 0.0;
            for (int64_t ci = 0; ci < Ci; ++ci)
              for (int64_t kh = 0; kh < KH; ++kh) {
                int64_t ih = oh * d_.stride - d_.pad_t + kh;
                if (ih < 0 || ih >= H) continue;
                for (int64_t kw = 0; kw < KW; ++kw) {
                  int64_t iw = ow * d_.stride - d_.pad_l + kw;
                  if (iw < 0 || iw >= W) continue;
                  acc += double(xp[((n * Ci + ci) * H + ih) * W + iw]) * wp[((co * Ci + ci) * KH + kh) * KW + kw];
                }
              }
            int64_t o = ((n * Co + co) * Ho + oh) * Wo + ow;
            if (rp) acc += rp[o];
            yp[o] = float(acc);
          }
  }

 private:
  Conv2dDesc d_;
  Tensor w_, b_;
};

class RefLinear : public LinearOp {
 public:
  RefLinear(const Tensor& w, const Tensor* b) {
    bk::need_rank(w, 2, "linear", "weight");
    w_ = w.to_f32();
    if (b) {
      bk::need_numel(*b, w.dim(0), "linear", "bias");
      b_ = b->to_f32();
    }
  }
  int64_t in_features() const override { return w_.dim(1); }
  int64_t out_features() const override { return w_.dim(0); }

  void forward(const Tensor& x, Tensor& y, const Tensor* residual, Act act) override {
    bk::need_f32(x, "linear", "x");
    bk::need_f32(y, "linear", "y");
    const int64_t K = in_features(), N = out_features();
    if (x.ndim() < 1 || x.dim(-1) != K) fail("linear: input {} must end in {}", shape_str(x.shape()), K);
    Shape ys = x.shape();
    ys.back() = N;
    bk::need_shape(y, ys, "linear", "y");
    if (residual) bk::need_shape(*residual, ys, "linear", "residual");
    const int64_t M = x.numel() / K;
    const float* xp = x.f32();
    const float* wp = w_.f32();
    const float* rp = residual ? residual->f32() : nullptr;
    float* yp = y.f32();
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double acc = b_.defined() ? b_.f32()[n] : 0.0;
        for (int64_t k = 0; k < K; ++k) acc += double(xp[m * K + k]) * wp[n * K + k];
        acc = bk::apply_act(act, acc);
        if (rp) acc += rp[m * N + n];
        yp[m * N + n] = float(acc);
      }
  }

 private:
  Tensor w_, b_;
};

}  // namespace

std::unique_ptr<Conv2dOp> RefBackend::make_conv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) {
  return std::make_unique<RefConv2d>(w, b, d);
}

std::unique_ptr<LinearOp> RefBackend::make_linear(const Tensor& w, const Tensor* b) {
  return std::make_unique<RefLinear>(w, b);
}

}  // namespace easel
