// Op timing by forwarding: each call is timed around the inner backend's op (which finishes
// its work before returning on CPU backends).
#include "models/common/op_profiler.h"

#include <chrono>

namespace easel {

namespace {
using Clock = std::chrono::steady_clock;

template <typename F>
double timed(F&& f) {
  auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

class ProfConv : public Conv2dOp {
 public:
  ProfConv(ProfilingBackend& p, std::unique_ptr<Conv2dOp> op, const Shape& w, const Conv2dDesc& d)
      : p_(p), op_(std::move(op)), cin_(w[1]), cout_(w[0]), k_(w[2]), stride_(d.stride) {}
  Shape output_shape(const Shape& x) const override { return op_->output_shape(x); }
  void forward(const Tensor& x, Tensor& y, const Tensor* residual) override {
    const double s = timed([&] { op_->forward(x, y, residual); });
    const std::string kind = "conv" + std::to_string(k_) + "x" + std::to_string(k_) + (stride_ > 1 ? "/2" : "");
    p_.record(kind, kind + " " + std::to_string(cin_) + "->" + std::to_string(cout_) + " @" + shape_str(x.shape()), s,
              2.0 * double(cin_ * k_ * k_) * double(y.numel()));
  }

 private:
  ProfilingBackend& p_;
  std::unique_ptr<Conv2dOp> op_;
  int64_t cin_, cout_, k_;
  int stride_;
};

class ProfLinear : public LinearOp {
 public:
  ProfLinear(ProfilingBackend& p, std::unique_ptr<LinearOp> op) : p_(p), op_(std::move(op)) {}
  int64_t in_features() const override { return op_->in_features(); }
  int64_t out_features() const override { return op_->out_features(); }
  void forward(const Tensor& x, Tensor& y, const Tensor* residual, Act act) override {
    const double s = timed([&] { op_->forward(x, y, residual, act); });
    const int64_t rows = x.numel() / in_features();
    p_.record("linear",
              "linear " + std::to_string(rows) + "x" + std::to_string(in_features()) + "->" + std::to_string(out_features()),
              s, 2.0 * double(rows) * double(in_features()) * double(out_features()));
  }

 private:
  ProfilingBackend& p_;
  std::unique_ptr<LinearOp> op_;
};
}  // namespace

void ProfilingBackend::record(const std::string& kind, const std::string& shape, double s, double flops) {
  for (OpStat* st : {&by_kind_[kind], &by_shape_[shape]}) {
    st->seconds += s;
    st->flops += flops;
    ++st->calls;
  }
}

std::unique_ptr<Conv2dOp> ProfilingBackend::make_conv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) {
  return std::make_unique<ProfConv>(*this, inner_->make_conv2d(w, b, d), w.shape(), d);
}
std::unique_ptr<LinearOp> ProfilingBackend::make_linear(const Tensor& w, const Tensor* b) {
  return std::make_unique<ProfLinear>(*this, inner_->make_linear(w, b));
}

#define EASEL_PROF(kind, x, call) record(kind, std::string(kind) + " " + shape_str((x).shape()), timed([&] { call; }), 0)

void ProfilingBackend::group_norm(const Tensor& x, Tensor& y, const Tensor& g, const Tensor& b, int groups, float eps,
                                  bool silu) {
  EASEL_PROF(silu ? "group_norm+silu" : "group_norm", x, inner_->group_norm(x, y, g, b, groups, eps, silu));
}
void ProfilingBackend::layer_norm(const Tensor& x, Tensor& y, const Tensor& g, const Tensor& b, float eps) {
  EASEL_PROF("layer_norm", x, inner_->layer_norm(x, y, g, b, eps));
}
void ProfilingBackend::activation(const Tensor& x, Tensor& y, Act act) {
  EASEL_PROF("activation", x, inner_->activation(x, y, act));
}
void ProfilingBackend::geglu(const Tensor& x, Tensor& y) { EASEL_PROF("geglu", x, inner_->geglu(x, y)); }
void ProfilingBackend::add(const Tensor& a, const Tensor& b, Tensor& y) { EASEL_PROF("add", a, inner_->add(a, b, y)); }
void ProfilingBackend::add_channel_bias(Tensor& x, const Tensor& bias) {
  EASEL_PROF("add_channel_bias", x, inner_->add_channel_bias(x, bias));
}
void ProfilingBackend::scale(const Tensor& x, Tensor& y, float s) { EASEL_PROF("scale", x, inner_->scale(x, y, s)); }
void ProfilingBackend::softmax(const Tensor& x, Tensor& y) { EASEL_PROF("softmax", x, inner_->softmax(x, y)); }
void ProfilingBackend::timestep_embedding(const Tensor& t, Tensor& y, float max_period) {
  EASEL_PROF("timestep_embedding", y, inner_->timestep_embedding(t, y, max_period));
}
void ProfilingBackend::attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, int heads,
                                 bool causal) {
  const double s = timed([&] { inner_->attention(q, k, v, out, heads, causal); });
  const std::string kind = k.dim(1) == q.dim(1) ? "attention(self)" : "attention(cross)";
  record(kind, kind + " q" + shape_str(q.shape()) + " k" + shape_str(k.shape()) + " h" + std::to_string(heads), s,
         4.0 * double(q.dim(0)) * double(q.dim(1)) * double(k.dim(1)) * double(q.dim(2)));
}
void ProfilingBackend::upsample_nearest2x(const Tensor& x, Tensor& y) {
  EASEL_PROF("upsample", x, inner_->upsample_nearest2x(x, y));
}
void ProfilingBackend::concat_channels(const Tensor& a, const Tensor& b, Tensor& y) {
  EASEL_PROF("concat", y, inner_->concat_channels(a, b, y));
}
void ProfilingBackend::nchw_to_nlc(const Tensor& x, Tensor& y) { EASEL_PROF("nchw_to_nlc", x, inner_->nchw_to_nlc(x, y)); }
void ProfilingBackend::nlc_to_nchw(const Tensor& x, Tensor& y, int64_t h, int64_t w) {
  EASEL_PROF("nlc_to_nchw", x, inner_->nlc_to_nchw(x, y, h, w));
}
void ProfilingBackend::copy(const Tensor& src, Tensor& dst) { EASEL_PROF("copy", src, inner_->copy(src, dst)); }

#undef EASEL_PROF

}  // namespace easel
