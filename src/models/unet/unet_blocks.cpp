// UNet ResBlock and SpatialTransformer forward passes; temporaries live in a nested arena scope.
#include "models/unet/unet_blocks.h"

#include <fmt/format.h>

#include "core/error.h"

namespace easel {

void UNetResBlock::load(Backend& be, WeightReader& w, const std::string& p, int64_t ci, int64_t co,
                        const UNetConfig& cfg) {
  cin = ci;
  cout = co;
  groups = cfg.norm_groups;
  eps = cfg.norm_eps;
  in_norm.load(w, p + ".in_layers.0", ci);
  in_conv.load_same(be, w, p + ".in_layers.2", ci, co, 3);
  emb.load(be, w, p + ".emb_layers.1", cfg.time_embed_dim, co);
  out_norm.load(w, p + ".out_layers.0", co);
  out_conv.load_same(be, w, p + ".out_layers.3", co, co, 3);
  has_skip = ci != co;
  if (has_skip) skip.load_same(be, w, p + ".skip_connection", ci, co, 1);
}

void UNetResBlock::forward(Stage& st, const Tensor& x, const Tensor& emb_silu, Tensor& y) {
  Backend& be = st.be;
  ArenaScope scope(be.arena());
  const Shape hs = out_shape(x.shape());
  Tensor h = st.alloc(hs);
  {
    // The normalised input is dead after the first conv: its space is reused for the shortcut.
    ArenaScope inner(be.arena());
    Tensor n = st.alloc(x.shape());
    be.group_norm(x, n, in_norm.gamma, in_norm.beta, groups, eps, /*silu=*/true);
    in_conv.op->forward(n, h);
  }
  Tensor e = st.alloc({x.dim(0), cout});
  emb.op->forward(emb_silu, e);
  be.add_channel_bias(h, e);
  be.group_norm(h, h, out_norm.gamma, out_norm.beta, groups, eps, /*silu=*/true);
  if (has_skip) {
    Tensor s = st.alloc(hs);
    skip.op->forward(x, s);
    out_conv.op->forward(h, y, &s);
  } else {
    out_conv.op->forward(h, y, &x);
  }
}

double UNetResBlock::flops(const Shape& x) const {
  const Shape h = out_shape(x);
  return in_conv.flops(x) + emb.flops(x[0]) + out_conv.flops(h) + (has_skip ? skip.flops(x) : 0.0);
}

double UNetTransformer::flops(const Shape& x, int64_t lc) const {
  const int64_t N = x[0], C = channels, T = x[2] * x[3], rows = N * T;
  double f = linear ? proj_in_lin.flops(rows) + proj_out_lin.flops(rows) : proj_in_conv.flops(x) + proj_out_conv.flops(x);
  for (const Block& B : blocks) {
    f += B.q1.flops(rows) + B.k1.flops(rows) + B.v1.flops(rows) + B.o1.flops(rows) + attention_flops(N, T, T, C);
    f += B.q2.flops(rows) + B.k2.flops(N * lc) + B.v2.flops(N * lc) + B.o2.flops(rows) + attention_flops(N, T, lc, C);
    f += B.ff_in.flops(rows) + B.ff_out.flops(rows);
  }
  return f;
}

void UNetTransformer::load(Backend& be, WeightReader& w, const std::string& p, int64_t C, int depth,
                           const UNetConfig& cfg) {
  channels = C;
  heads = cfg.heads_at(int(C));
  if (heads <= 0 || C % heads != 0)
    fail("unet: {} channels at '{}' cannot be split into {} attention heads", C, p, heads);
  groups = cfg.norm_groups;
  gn_eps = cfg.transformer_norm_eps;
  ln_eps = cfg.layer_norm_eps;
  linear = cfg.linear_projection;
  norm.load(w, p + ".norm", C);
  if (linear) {
    proj_in_lin.load(be, w, p + ".proj_in", C, C);
    proj_out_lin.load(be, w, p + ".proj_out", C, C);
  } else {
    proj_in_conv.load_same(be, w, p + ".proj_in", C, C, 1);
    proj_out_conv.load_same(be, w, p + ".proj_out", C, C, 1);
  }
  const int64_t ctx = cfg.context_dim;
  for (int d = 0; d < depth; ++d) {
    std::string b = fmt::format("{}.transformer_blocks.{}.", p, d);
    // GEGLU: the input projection yields value and gate halves of the inner width.
    const Shape& ffs = w.shape_of(b + "ff.net.0.proj.weight");
    if (ffs.size() != 2 || ffs[0] % 2 != 0 || ffs[1] != C)
      fail("unet: '{}ff.net.0.proj.weight' has shape {}, expected [2*inner, {}]", b, shape_str(ffs), C);
    ff_inner = ffs[0] / 2;
    Block B;
    B.n1.load(w, b + "norm1", C);
    B.n2.load(w, b + "norm2", C);
    B.n3.load(w, b + "norm3", C);
    B.q1.load(be, w, b + "attn1.to_q", C, C, false);
    B.k1.load(be, w, b + "attn1.to_k", C, C, false);
    B.v1.load(be, w, b + "attn1.to_v", C, C, false);
    B.o1.load(be, w, b + "attn1.to_out.0", C, C);
    B.q2.load(be, w, b + "attn2.to_q", C, C, false);
    B.k2.load(be, w, b + "attn2.to_k", ctx, C, false);
    B.v2.load(be, w, b + "attn2.to_v", ctx, C, false);
    B.o2.load(be, w, b + "attn2.to_out.0", C, C);
    B.ff_in.load(be, w, b + "ff.net.0.proj", C, 2 * ff_inner);
    B.ff_out.load(be, w, b + "ff.net.2", ff_inner, C);
    blocks.push_back(std::move(B));
  }
}

void UNetTransformer::forward(Stage& st, const Tensor& x, const Tensor& context, Tensor& y) {
  Backend& be = st.be;
  ArenaScope scope(be.arena());
  const int64_t N = x.dim(0), C = channels, H = x.dim(2), W = x.dim(3), T = H * W, Lc = context.dim(1);
  Tensor n = st.alloc(x.shape());
  be.group_norm(x, n, norm.gamma, norm.beta, groups, gn_eps, false);
  Tensor t = st.alloc({N, T, C}), t2 = st.alloc({N, T, C}), p = st.alloc(x.shape());
  if (linear) {
    be.nchw_to_nlc(n, t2);
    proj_in_lin.op->forward(t2, t);
  } else {
    proj_in_conv.op->forward(n, p);
    be.nchw_to_nlc(p, t);
  }
  Tensor a = st.alloc({N, T, C}), q = st.alloc({N, T, C}), k = st.alloc({N, T, C}), v = st.alloc({N, T, C});
  Tensor o = st.alloc({N, T, C}), kc = st.alloc({N, Lc, C}), vc = st.alloc({N, Lc, C});
  Tensor ff = st.alloc({N, T, 2 * ff_inner}), g = st.alloc({N, T, ff_inner});
  for (Block& B : blocks) {
    be.layer_norm(t, a, B.n1.gamma, B.n1.beta, ln_eps);
    B.q1.op->forward(a, q);
    B.k1.op->forward(a, k);
    B.v1.op->forward(a, v);
    be.attention(q, k, v, o, heads, false);
    B.o1.op->forward(o, t2, &t);
    std::swap(t, t2);
    be.layer_norm(t, a, B.n2.gamma, B.n2.beta, ln_eps);
    B.q2.op->forward(a, q);
    B.k2.op->forward(context, kc);
    B.v2.op->forward(context, vc);
    be.attention(q, kc, vc, o, heads, false);
    B.o2.op->forward(o, t2, &t);
    std::swap(t, t2);
    be.layer_norm(t, a, B.n3.gamma, B.n3.beta, ln_eps);
    B.ff_in.op->forward(a, ff);
    be.geglu(ff, g);
    B.ff_out.op->forward(g, t2, &t);
    std::swap(t, t2);
  }
  if (linear) {
    proj_out_lin.op->forward(t, t2);
    be.nlc_to_nchw(t2, p, H, W);
    be.add(p, x, y);
  } else {
    be.nlc_to_nchw(t, p, H, W);
    proj_out_conv.op->forward(p, y, &x);
  }
}

}  // namespace easel
