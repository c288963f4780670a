// The CPU backend: oneDNN convolutions / matmuls with weights prepared once, and vectorised,
// threaded kernels for everything else. Ops not overridden here fall back to the reference loops.
// Weight-carrying ops keep a reference to the backend (its arena holds their per-call scratch),
// so the backend must outlive them.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include "backend/ref/ref_backend.h"

namespace easel {

class CpuBackend : public RefBackend {
 public:
  CpuBackend();
  std::string name() const override { return "cpu"; }

  std::unique_ptr<Conv2dOp> make_conv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) override;
  std::unique_ptr<LinearOp> make_linear(const Tensor& w, const Tensor* b) override;

  void group_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, int groups, float eps,
                  bool silu) override;
  void layer_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, float eps) override;
  void activation(const Tensor& x, Tensor& y, Act act) override;
  void geglu(const Tensor& x, Tensor& y) override;
  void softmax(const Tensor& x, Tensor& y) override;
  void attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, int heads, bool causal) override;

  void add(const Tensor& a, const Tensor& b, Tensor& y) override;
  void add_channel_bias(Tensor& x, const Tensor& bias) override;
  void scale(const Tensor& x, Tensor& y, float s) override;
  void upsample_nearest2x(const Tensor& x, Tensor& y) override;
  void concat_channels(const Tensor& a, const Tensor& b, Tensor& y) override;
  void nchw_to_nlc(const Tensor& x, Tensor& y) override;
  void nlc_to_nchw(const Tensor& x, Tensor& y, int64_t h, int64_t w) override;

  // The activation layout convolutions run in (inputs / outputs are reordered from / to NCHW).
  dnnl::memory::format_tag conv_tag() const { return conv_tag_; }
  // A convolution whose blocked input + output copies would exceed this many bytes runs in
  // bands of output rows that fit it ($EASEL_CONV_BAND_MB overrides; 0 = never).
  size_t conv_band_bytes = size_t(32) << 20;

 private:
  dnnl::memory::format_tag conv_tag_ = dnnl::memory::format_tag::any;
};

}  // namespace easel
