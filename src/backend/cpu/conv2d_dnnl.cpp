// Conv2dOp on oneDNN: weights converted to F32 and reordered once into the layout oneDNN's
// convolution prefers; one primitive per (input shape, residual, threads), planned on first use.
// Bias is fused; the residual is fused as a "sum" post-op on a destination pre-filled with it.
// Large activations run in bands of output rows (forward_banded) to bound the blocked copies.
#include <algorithm>
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
    auto pd = make_pd({1, Ci_, std::max<int64_t>(32, KH_), std::max<int64_t>(32, KW_)}, false, d_.pad_t, d_.pad_b);
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
    if (banded(x, y)) return forward_banded(x, y, residual, ys, threads);
    Plan& p = plan(x.shape(), residual != nullptr, threads, d_.pad_t, d_.pad_b);
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

  // The blocked channel width when activations are reordered to nChw{8,16}c by easel's own
  // transposes (both channel counts a multiple of it), else 0.
  int64_t block() const {
    const auto t = be_.conv_tag();
    const int64_t b = t == tag::nChw16c ? 16 : t == tag::nChw8c ? 8 : 0;
    return b && Ci_ % b == 0 && Co_ % b == 0 ? b : 0;
  }

  // Large activations are convolved in bands of output rows: the blocked copies of input and
  // output then take the backend's band budget instead of two whole extra activations (a VAE
  // decoder conv at 512x512: 2 x 128-256 MiB). An input aliasing the output keeps one pass.
  bool banded(const Tensor& x, const Tensor& y) const {
    const size_t bytes = 4 * size_t(x.numel() + y.numel());
    return block() && x.dim(0) * y.dim(2) > 1 && bytes > be_.conv_band_bytes && x.raw() != y.raw();
  }

  void forward_banded(const Tensor& x, Tensor& y, const Tensor* residual, const Shape& ys, int threads) {
    const int64_t B = block(), N = x.dim(0), H = x.dim(2), W = x.dim(3), Ho = ys[2], Wo = ys[3], st = d_.stride;
    const int64_t row_bytes = 4 * (Ci_ * W * st + Co_ * Wo);
    const int64_t rows = std::clamp<int64_t>(int64_t(be_.conv_band_bytes) / row_bytes, 1, Ho);
    ArenaScope scope(be_.arena());
    float* xb = be_.arena().alloc({Ci_ * ((rows - 1) * st + KH_) * W}).f32();
    float* yb = be_.arena().alloc({Co_ * rows * Wo}).f32();
    const float* xs = x.f32();
    float* yd = y.f32();
    for (int64_t n = 0; n < N; ++n)
      for (int64_t o0 = 0; o0 < Ho; o0 += rows) {
        const int64_t o1 = std::min(Ho, o0 + rows);
        // Input rows the band reads, and the padding rows it sees at either end.
        const int64_t i0u = o0 * st - d_.pad_t, i1u = (o1 - 1) * st - d_.pad_t + KH_;
        const int64_t i0 = std::max<int64_t>(0, i0u), i1 = std::min(H, i1u);
        Plan& p = plan({1, Ci_, i1 - i0, W}, residual != nullptr, threads, int(i0 - i0u), int(i1u - i1));
        if (p.src_block != B || p.dst_block != B) fail("internal: conv2d band plan is not channel-blocked");
        ArenaScope band_scope(be_.arena());
        cpu::nchw_run_to_blocked(xs + ((n * Ci_) * H + i0) * W, H * W, xb, Ci_, (i1 - i0) * W, B);
        float* yo = yd + ((n * Co_) * Ho + o0) * Wo;
        if (residual)
          cpu::nchw_run_to_blocked(residual->f32() + ((n * Co_) * Ho + o0) * Wo, Ho * Wo, yb, Co_, (o1 - o0) * Wo, B);
        std::unordered_map<int, memory> args{
            {DNNL_ARG_SRC, mem(p.src_md, xb)}, {DNNL_ARG_WEIGHTS, p.wei}, {DNNL_ARG_DST, mem(p.dst_md, yb)}};
        if (bias_.defined()) args[DNNL_ARG_BIAS] = mem(plain({Co_}, tag::x), bias_.raw());
        if (p.scratch_md.get_size())
          args[DNNL_ARG_SCRATCHPAD] =
              mem(p.scratch_md, be_.arena().alloc({int64_t(p.scratch_md.get_size())}, DType::U8).raw());
        p.prim.execute(stream(), args);
        stream().wait();
        cpu::blocked_to_nchw_run(yb, yo, Ho * Wo, Co_, (o1 - o0) * Wo, B);
      }
  }

  // xs: the input of one primitive call; pt / pb: its top / bottom padding (left / right are d_'s).
  Shape call_output_shape(const Shape& xs, int pt, int pb) const {
    return {xs[0], Co_, bk::conv_out(xs[2], KH_, d_.stride, pt, pb), bk::conv_out(xs[3], KW_, d_.stride, d_.pad_l, d_.pad_r)};
  }

  dnnl::convolution_forward::primitive_desc make_pd(const Shape& xs, bool residual, int pt, int pb) const {
    const Shape ys = call_output_shape(xs, pt, pb);
    const auto act_tag = be_.conv_tag();
    // A few input channels (latents: 4) padded into a 16-channel block leave oneDNN only its
    // reference kernel; plain NCHW input is its jit "first convolution" case (an image's RGB).
    const auto src_tag = Ci_ < 8 ? tag::nchw : act_tag;
    dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, plain(xs, src_tag),
        plain({Co_, Ci_, KH_, KW_}, tag::any), plain({Co_}, tag::x), plain(ys, act_tag), {d_.stride, d_.stride},
        {pt, d_.pad_l}, {pb, d_.pad_r});
    if (!bias_.defined())
      desc = dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                             plain(xs, src_tag), plain({Co_, Ci_, KH_, KW_}, tag::any),
                                             plain(ys, act_tag), {d_.stride, d_.stride}, {pt, d_.pad_l},
                                             {pb, d_.pad_r});
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

  Plan& plan(const Shape& xs, bool residual, int threads, int pt, int pb) {
    auto key = std::make_tuple(xs[0], xs[2], xs[3], residual, threads, pt, pb);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
    auto pd = make_pd(xs, residual, pt, pb);
    Plan p;
    p.prim = dnnl::convolution_forward(pd);
    p.src_md = pd.src_desc();
    p.dst_md = pd.dst_desc();
    p.scratch_md = pd.scratchpad_desc();
    const Shape ys = call_output_shape(xs, pt, pb);
    const auto xs_md = plain(xs, tag::nchw), ys_md = plain(ys, tag::nchw);
    p.src_reorder = p.src_md != xs_md;
    p.dst_reorder = p.dst_md != ys_md;
    p.src_block = block_of(p.src_md, xs);
    p.dst_block = block_of(p.dst_md, ys);
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
  std::map<std::tuple<int64_t, int64_t, int64_t, bool, int, int, int>, Plan> plans_;
};

}  // namespace

std::unique_ptr<Conv2dOp> CpuBackend::make_conv2d(const Tensor& w, const Tensor* b, const Conv2dDesc& d) {
  return std::make_unique<DnnlConv2d>(*this, w, b, d);
}

}  // namespace easel
