// Conv2dOp on oneDNN: weights converted to F32 and reordered once into the layout oneDNN's
// convolution prefers; one primitive per (input shape, residual, threads), planned on first use.
// Bias is fused; the residual is fused as a "sum" post-op on a destination pre-filled with it.
#include <cstring>
#include <map>
#include <tuple>

#include "backend/checks.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/dnnl_common.h"
#include "backend/cpu/transpose.h"
#include "core/log.h"

namespace easel {
namespace {

using namespace dnnl_util;
using dnnl::memory;

class DnnlConv2d : public Conv2dOp {
 public:
  DnnlConv2d(CpuBackend& be, const Tensor& w, const Tensor* b, const Conv2dDesc& d) : be_(be), d_(d) {
    bk::need_rank(w, 4, "conv2d", "weight");
    if (d.stride < 1 || d.pad_t < 0 || d.pad_l < 0 || d.pad_b < 0 || d.pad_r < 0)
      fail("conv2d: invalid stride {} / padding ({},{},{},{})", d.stride, d.pad_t, d.pad_l, d.pad_b, d.pad_r);
    Co_ = w.dim(0), Ci_ = w.dim(1), KH_ = w.dim(2), KW_ = w.dim(3);
    if (b) {
      bk::need_numel(*b, Co_, "conv2d", "bias");
      bias_ = weights_f32(*b);
    }
    // Reorder the weights into the layout a typical (nominal 32x32) problem prefers; other shapes
    // whose primitive wants a different layout get a reordered copy when first planned.
    sync_threads();
    Tensor w32 = weights_f32(w);
    auto pd = make_pd({1, Ci_, std::max<int64_t>(32, KH_), std::max<int64_t>(32, KW_)}, false);
    wei_ = memory(pd.weights_desc(), engine());
    memory src = mem(plain({Co_, Ci_, KH_, KW_}, tag::oihw), w32.raw());
    dnnl::reorder(src, wei_).execute(stream(), src, wei_);
    stream().wait();
  }

  Shape output_shape(const Shape& x) const override {
    if (x.size() != 4 || x[1] != Ci_)
      fail("conv2d: input {} does not match weight [{}, {}, {}, {}]", shape_str(x), Co_, Ci_, KH_, KW_);
    int64_t ho = bk::conv_out(x[2], KH_, d_.stride, d_.pad_t, d_.pad_b);
    int64_t wo = bk::conv_out(x[3], KW_, d_.stride, d_.pad_l, d_.pad_r);
    if (ho < 1 || wo < 1) fail("conv2d: input {} too small for a {}x{} kernel", shape_str(x), KH_, KW_);
    return {x[0], Co_, ho, wo};
  }

  void forward(const Tensor& x, Tensor& y, const Tensor* residual) override {
    bk::need_f32(x, "conv2d", "x");
    const Shape ys = output_shape(x.shape());
    bk::need_f32(y, "conv2d", "y");
    bk::need_shape(y, ys, "conv2d", "y");
    if (residual) {
      bk::need_f32(*residual, "conv2d", "residual");
      bk::need_shape(*residual, ys, "conv2d", "residual");
    }
    const int threads = sync_threads();
    Plan& p = plan(x.shape(), residual != nullptr, threads);
    ArenaScope scope(be_.arena());
    memory xs = mem(plain(x.shape(), tag::nchw), x.raw()), yd = mem(plain(ys, tag::nchw), y.raw());
    memory src = xs, dst = yd;
    const int64_t S = x.dim(2) * x.dim(3), So = ys[2] * ys[3];
    if (p.src_reorder) {
      float* buf = be_.arena().alloc({int64_t(p.src_md.get_size() / 4)}).f32();
      src = mem(p.src_md, buf);
      if (p.src_block)
        cpu::nchw_to_blocked(x.f32(), buf, x.dim(0), Ci_, S, p.src_block);
      else
        p.to_src.execute(stream(), xs, src);
    }
    float* dbuf = nullptr;
    if (p.dst_reorder) {
      dbuf = be_.arena().alloc({int64_t(p.dst_md.get_size() / 4)}).f32();
      dst = mem(p.dst_md, dbuf);
    }
    if (residual) {
      if (p.dst_reorder && p.dst_block) {
        cpu::nchw_to_blocked(residual->f32(), dbuf, ys[0], Co_, So, p.dst_block);
      } else if (p.dst_reorder) {
        memory r = mem(plain(ys, tag::nchw), residual->raw());
        p.to_dst.execute(stream(), r, dst);
      }
      else if (residual->raw() != y.raw())
        std::memcpy(y.raw(), residual->raw(), y.nbytes());
    }
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, p.wei}, {DNNL_ARG_DST, dst}};
    if (bias_.defined()) args[DNNL_ARG_BIAS] = mem(plain({Co_}, tag::x), bias_.raw());
    if (p.scratch_md.get_size())
      args[DNNL_ARG_SCRATCHPAD] =
          mem(p.scratch_md, be_.arena().alloc({int64_t(p.scratch_md.get_size())}, DType::U8).raw());
    p.prim.execute(stream(), args);
    if (p.dst_reorder && p.dst_block) {
      stream().wait();
      cpu::blocked_to_nchw(dbuf, y.f32(), ys[0], Co_, So, p.dst_block);
    } else if (p.dst_reorder) {
      p.from_dst.execute(stream(), dst, yd);
    }
    stream().wait();
  }

 private:
  struct Plan {
    dnnl::convolution_forward prim;
    memory::desc src_md, dst_md, scratch_md;
    memory wei;
    bool src_reorder = false, dst_reorder = false;
    int64_t src_block = 0, dst_block = 0;  // channel block when the layout is nChw{8,16}c exactly
    dnnl::reorder to_src, to_dst, from_dst;
  };

  dnnl::convolution_forward::primitive_desc make_pd(const Shape& xs, bool residual) const {
    const Shape ys = output_shape(xs);
    const auto act_tag = be_.conv_tag();
    // A few input channels (latents: 4) padded into a 16-channel block leave oneDNN only its
    // reference kernel; plain NCHW input is its jit "first convolution" case (an image's RGB).
    const auto src_tag = Ci_ < 8 ? tag::nchw : act_tag;
    dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, plain(xs, src_tag),
        plain({Co_, Ci_, KH_, KW_}, tag::any), plain({Co_}, tag::x), plain(ys, act_tag), {d_.stride, d_.stride},
        {d_.pad_t, d_.pad_l}, {d_.pad_b, d_.pad_r});
    if (!bias_.defined())
      desc = dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                             plain(xs, src_tag), plain({Co_, Ci_, KH_, KW_}, tag::any),
                                             plain(ys, act_tag), {d_.stride, d_.stride}, {d_.pad_t, d_.pad_l},
                                             {d_.pad_b, d_.pad_r});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (residual) {
      dnnl::post_ops po;
      po.append_sum(1.f);
      attr.set_post_ops(po);
    }
    return {desc, attr, engine()};
  }

  // The channel block when `md` is exactly nChw16c / nChw8c of `s` (channels a multiple of the
  // block), or C for NHWC (one block of all channels); 0 for other layouts (oneDNN reorders).
  static int64_t block_of(const memory::desc& md, const Shape& s) {
    for (auto [t, b] : {std::pair{tag::nChw16c, int64_t(16)}, std::pair{tag::nChw8c, int64_t(8)}})
      if (s[1] % b == 0 && md == plain(s, t)) return b;
    return md == plain(s, tag::nhwc) ? s[1] : 0;
  }

  Plan& plan(const Shape& xs, bool residual, int threads) {
    auto key = std::make_tuple(xs[0], xs[2], xs[3], residual, threads);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
    auto pd = make_pd(xs, residual);
    Plan p;
    p.prim = dnnl::convolution_forward(pd);
    p.src_md = pd.src_desc();
    p.dst_md = pd.dst_desc();
    p.scratch_md = pd.scratchpad_desc();
    const auto xs_md = plain(xs, tag::nchw), ys_md = plain(output_shape(xs), tag::nchw);
    p.src_reorder = p.src_md != xs_md;
    p.dst_reorder = p.dst_md != ys_md;
    p.src_block = block_of(p.src_md, xs);
    p.dst_block = block_of(p.dst_md, output_shape(xs));
    if (p.src_reorder) p.to_src = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), xs_md, engine(), p.src_md));
    if (p.dst_reorder) {
      p.to_dst = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), ys_md, engine(), p.dst_md));
      p.from_dst = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), p.dst_md, engine(), ys_md));
    }
    if (pd.weights_desc() == wei_.get_desc()) {
      p.wei = wei_;
    } else {
      log_debug("conv2d {}x{}x{}x{}: input {} wants another weight layout; keeping a reordered copy", Co_, Ci_,
                KH_, KW_, shape_str(xs));
      p.wei = memory(pd.weights_desc(), engine());
      dnnl::reorder(wei_, p.wei).execute(stream(), wei_, p.wei);
      stream().wait();
    }
    log_debug("conv2d {}x{}x{}x{} on {}: {}", Co_, Ci_, KH_, KW_, shape_str(xs), pd.impl_info_str());
    return plans_.emplace(key, std::move(p)).first->second;
  }

  CpuBackend& be_;
  Conv2dDesc d_;
  int64_t Co_, Ci_, KH_, KW_;
  Tensor bias_;
  memory wei_;
  std::map<std::tuple<int64_t, int64_t, int64_t, bool, int>, Plan> plans_;
};

}  // namespace

std::unique_ptr<Conv2dOp> CpuBackend::make_conv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) {
  return std::make_unique<DnnlConv2d>(*this, w, b, d);
}

}  // namespace easel
