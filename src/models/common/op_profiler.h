// ProfilingBackend: a Backend that forwards every op to another one and accumulates wall time
// and FLOPs per op kind and shape, so `easel bench --profile` can show where a stage's time goes.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "backend/backend.h"

namespace easel {

struct OpStat {
  double seconds = 0, flops = 0;
  long calls = 0;
};

class ProfilingBackend : public Backend {
 public:
  explicit ProfilingBackend(std::unique_ptr<Backend> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return inner_->name() + "+profile"; }

  // Per op kind ("conv3x3", "attention", "group_norm", ...) and per kind + shape.
  const std::map<std::string, OpStat>& by_kind() const { return by_kind_; }
  const std::map<std::string, OpStat>& by_shape() const { return by_shape_; }
  void reset() { by_kind_.clear(), by_shape_.clear(); }
  void record(const std::string& kind, const std::string& shape, double s, double flops);

  std::unique_ptr<Conv2dOp> make_conv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) override;
  std::unique_ptr<LinearOp> make_linear(const Tensor& w, const Tensor* b) override;
  void group_norm(const Tensor& x, Tensor& y, const Tensor& g, const Tensor& b, int groups, float eps,
                  bool silu) override;
  void layer_norm(const Tensor& x, Tensor& y, const Tensor& g, const Tensor& b, float eps) override;
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

 private:
  std::unique_ptr<Backend> inner_;
  std::map<std::string, OpStat> by_kind_, by_shape_;
};

}  // namespace easel
