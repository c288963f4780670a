// The reference backend: plain loops, accumulation in double, written to be obviously correct.
// It defines the semantics every optimised backend is tested against (tests/ops).
#pragma once
#include "backend/backend.h"

namespace easel {

class RefBackend : public Backend {
 public:
  std::string name() const override { return "ref"; }

  std::unique_ptr<Conv2dOp> make_conv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) override;
  std::unique_ptr<LinearOp> make_linear(const Tensor& w, const Tensor* b) override;

  void group_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, int groups, float eps,
                  bool silu) override;
  void layer_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, float eps) override;

  void activation(const Tensor& x, Tensor& y, Act act) override;
  void geglu(const Tensor& x, Tensor& y) override;
  void add(const Tensor& a, const Tensor& b, Tensor& y) override;
  void add_channel_bias(Tensor& x, const Tensor& bias) override;
  void scale(const Tensor& x, Tensor& y, float s) override;
  void softmax(const Tensor& x, Tensor& y) override;
  void timestep_embedding(const Tensor& t, Tensor& y, float max_period) override;

  void attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, int heads, bool causal) override;

  void upsample_nearest2x(const Tensor& x, Tensor& y) override;
  void concat_channels(const Tensor& a, const Tensor& b, Tensor& y) override;
  void nchw_to_nlc(const Tensor& x, Tensor& y) override;
  void nlc_to_nchw(const Tensor& x, Tensor& y, int64_t h, int64_t w) override;
  void copy(const Tensor& src, Tensor& dst) override;
};

}  // namespace easel
