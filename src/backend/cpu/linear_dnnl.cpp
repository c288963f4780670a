// LinearOp on oneDNN matmul: y = act(x W^T + b) (+ residual). The weight is converted to F32 and
// reordered once into the matmul's preferred layout; one primitive per (rows, act, residual,
// threads). Activation and residual are fused as eltwise + sum post-ops.
#include <cstring>
#include <map>
#include <tuple>

#include "backend/checks.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/dnnl_common.h"
#include "core/log.h"

namespace easel {
namespace {

using namespace dnnl_util;
using dnnl::memory;

class DnnlLinear : public LinearOp {
 public:
  DnnlLinear(CpuBackend& be, const Tensor& w, const Tensor* b) : be_(be) {
    bk::need_rank(w, 2, "linear", "weight");
    N_ = w.dim(0), K_ = w.dim(1);
    if (b) {
      bk::need_numel(*b, N_, "linear", "bias");
      bias_ = weights_f32(*b);
    }
    sync_threads();
    Tensor w32 = weights_f32(w);
    auto pd = make_pd(256, Act::None, false);
    wei_ = memory(pd.weights_desc(), engine());
    memory src = mem(plain({K_, N_}, tag::ba), w32.raw());  // W^T viewed as K x N
    dnnl::reorder(src, wei_).execute(stream(), src, wei_);
    stream().wait();
  }

  int64_t in_features() const override { return K_; }
  int64_t out_features() const override { return N_; }

  void forward(const Tensor& x, Tensor& y, const Tensor* residual, Act act) override {
    bk::need_f32(x, "linear", "x");
    bk::need_f32(y, "linear", "y");
    if (x.ndim() < 1 || x.dim(-1) != K_) fail("linear: input {} must end in {}", shape_str(x.shape()), K_);
    Shape ys = x.shape();
    ys.back() = N_;
    bk::need_shape(y, ys, "linear", "y");
    if (residual) {
      bk::need_f32(*residual, "linear", "residual");
      bk::need_shape(*residual, ys, "linear", "residual");
    }
    const int64_t M = x.numel() / K_;
    if (M == 0) return;
    const int threads = sync_threads();
    Plan& p = plan(M, act, residual != nullptr, threads);
    if (residual && residual->raw() != y.raw()) std::memcpy(y.raw(), residual->raw(), y.nbytes());
    ArenaScope scope(be_.arena());
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, mem(plain({M, K_}, tag::ab), x.raw())},
                                         {DNNL_ARG_WEIGHTS, p.wei},
                                         {DNNL_ARG_DST, mem(plain({M, N_}, tag::ab), y.raw())}};
    if (bias_.defined()) args[DNNL_ARG_BIAS] = mem(plain({1, N_}, tag::ab), bias_.raw());
    if (p.scratch_md.get_size())
      args[DNNL_ARG_SCRATCHPAD] =
          mem(p.scratch_md, be_.arena().alloc({int64_t(p.scratch_md.get_size())}, DType::U8).raw());
    p.prim.execute(stream(), args);
    stream().wait();
  }

 private:
  struct Plan {
    dnnl::matmul prim;
    memory::desc scratch_md;
    memory wei;
  };

  dnnl::matmul::primitive_desc make_pd(int64_t M, Act act, bool residual) const {
    auto src = plain({M, K_}, tag::ab), wei = plain({K_, N_}, tag::any), dst = plain({M, N_}, tag::ab);
    auto desc = bias_.defined() ? dnnl::matmul::desc(src, wei, plain({1, N_}, tag::ab), dst)
                                : dnnl::matmul::desc(src, wei, dst);
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::post_ops po;
    switch (act) {
      case Act::None: break;
      case Act::SiLU: po.append_eltwise(1.f, dnnl::algorithm::eltwise_swish, 1.f, 0.f); break;
      case Act::QuickGELU: po.append_eltwise(1.f, dnnl::algorithm::eltwise_swish, 1.702f, 0.f); break;
      case Act::GELU: po.append_eltwise(1.f, dnnl::algorithm::eltwise_gelu_erf, 0.f, 0.f); break;
    }
    if (residual) po.append_sum(1.f);
    attr.set_post_ops(po);
    return {desc, attr, engine()};
  }

  Plan& plan(int64_t M, Act act, bool residual, int threads) {
    auto key = std::make_tuple(M, int(act), residual, threads);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
    auto pd = make_pd(M, act, residual);
    Plan p;
    p.prim = dnnl::matmul(pd);
    p.scratch_md = pd.scratchpad_desc();
    if (pd.weights_desc() == wei_.get_desc()) {
      p.wei = wei_;
    } else {
      log_debug("linear {}x{}: {} rows want another weight layout; keeping a reordered copy", N_, K_, M);
      p.wei = memory(pd.weights_desc(), engine());
      dnnl::reorder(wei_, p.wei).execute(stream(), wei_, p.wei);
      stream().wait();
    }
    log_debug("linear {}x{} on {} rows: {}", N_, K_, M, pd.impl_info_str());
    return plans_.emplace(key, std::move(p)).first->second;
  }

  CpuBackend& be_;
  int64_t N_, K_;
  Tensor bias_;
  memory wei_;
  std::map<std::tuple<int64_t, int, bool, int>, Plan> plans_;
};

}  // namespace

std::unique_ptr<LinearOp> CpuBackend::make_linear(const Tensor& w, const Tensor* b) {
  return std::make_unique<DnnlLinear>(*this, w, b);
}

}  // namespace easel
