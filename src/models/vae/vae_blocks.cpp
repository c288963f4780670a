// VAE layer forward passes and the ping-pong chain evaluation.
#include "models/vae/vae_blocks.h"

#include <algorithm>

namespace easel {

Shape VaeLayer::out_shape(const Shape& x) const {
  switch (kind) {
    case Conv:
    case NormConv: return conv.out_shape(x);
    case Res: return {x[0], cout, x[2], x[3]};
    case Attn: return x;
    case Up: return conv.out_shape({x[0], x[1], x[2] * 2, x[3] * 2});
  }
  return x;
}

double VaeLayer::flops(const Shape& x) const {
  switch (kind) {
    case Conv:
    case NormConv: return conv.flops(x);
    case Res: {
      const Shape h = out_shape(x);
      return conv.flops(x) + conv2.flops(h) + (has_shortcut ? shortcut.flops(x) : 0.0);
    }
    case Attn: {
      const int64_t rows = x[0] * x[2] * x[3];
      return q.flops(rows) + k.flops(rows) + v.flops(rows) + conv.flops(x) + attention_flops(x[0], x[2] * x[3], x[2] * x[3], x[1]);
    }
    case Up: return conv.flops({x[0], x[1], x[2] * 2, x[3] * 2});
  }
  return 0;
}

void VaeLayer::forward(Stage& st, Tensor& x, Tensor& y, int groups, float eps, bool x_scratch) {
  Backend& be = st.be;
  ArenaScope scope(be.arena());
  switch (kind) {
    case Conv: conv.op->forward(x, y); break;
    case NormConv: {
      Tensor n = st.alloc(x.shape());
      be.group_norm(x, n, norm.gamma, norm.beta, groups, eps, true);
      conv.op->forward(n, y);
      break;
    }
    case Res: {
      Tensor h = st.alloc(y.shape());
      if (has_shortcut && x_scratch) {
        // The shortcut is the last reader of x, so x itself can hold its normalised copy: at
        // 512x512 this drops the decoder's peak by a [256, 512, 512] tensor.
        Tensor s = st.alloc(y.shape());
        shortcut.op->forward(x, s);
        be.group_norm(x, x, norm.gamma, norm.beta, groups, eps, true);
        conv.op->forward(x, h);
        be.group_norm(h, h, norm2.gamma, norm2.beta, groups, eps, true);
        conv2.op->forward(h, y, &s);
        break;
      }
      {
        // At 512x512 these are hundreds of MB: the normalised input's space is reused below.
        ArenaScope inner(be.arena());
        Tensor n = st.alloc(x.shape());
        be.group_norm(x, n, norm.gamma, norm.beta, groups, eps, true);
        conv.op->forward(n, h);
      }
      be.group_norm(h, h, norm2.gamma, norm2.beta, groups, eps, true);
      if (has_shortcut) {
        Tensor s = st.alloc(y.shape());
        shortcut.op->forward(x, s);
        conv2.op->forward(h, y, &s);
      } else {
        conv2.op->forward(h, y, &x);
      }
      break;
    }
    case Attn: {
      const int64_t N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), T = H * W;
      Tensor n = st.alloc(x.shape());
      be.group_norm(x, n, norm.gamma, norm.beta, groups, eps, false);
      Tensor t = st.alloc({N, T, C}), qt = st.alloc({N, T, C}), kt = st.alloc({N, T, C}), vt = st.alloc({N, T, C});
      be.nchw_to_nlc(n, t);
      q.op->forward(t, qt);
      k.op->forward(t, kt);
      v.op->forward(t, vt);
      be.attention(qt, kt, vt, t, 1, false);  // single head: scale C^-1/2, as LDM's AttnBlock
      be.nlc_to_nchw(t, n, H, W);
      conv.op->forward(n, y, &x);  // proj_out + residual
      break;
    }
    case Up: {
      Tensor u = st.alloc({x.dim(0), x.dim(1), x.dim(2) * 2, x.dim(3) * 2});
      be.upsample_nearest2x(x, u);
      conv.op->forward(u, y);
      break;
    }
  }
}

void VaeChain::add_conv(Backend& be, WeightReader& w, const std::string& p, int64_t cin, int64_t cout, int k,
                        const Conv2dDesc& d) {
  VaeLayer l;
  l.kind = VaeLayer::Conv;
  l.conv.load(be, w, p, cin, cout, k, d);
  layers_.push_back(std::move(l));
}

void VaeChain::add_norm_conv(Backend& be, WeightReader& w, const std::string& norm, const std::string& conv,
                             int64_t cin, int64_t cout) {
  VaeLayer l;
  l.kind = VaeLayer::NormConv;
  l.norm.load(w, norm, cin);
  l.conv.load_same(be, w, conv, cin, cout, 3);
  layers_.push_back(std::move(l));
}

void VaeChain::add_res(Backend& be, WeightReader& w, const std::string& p, int64_t cin, int64_t cout) {
  VaeLayer l;
  l.kind = VaeLayer::Res;
  l.cout = cout;
  l.norm.load(w, p + ".norm1", cin);
  l.conv.load_same(be, w, p + ".conv1", cin, cout, 3);
  l.norm2.load(w, p + ".norm2", cout);
  l.conv2.load_same(be, w, p + ".conv2", cout, cout, 3);
  l.has_shortcut = cin != cout;
  if (l.has_shortcut) l.shortcut.load_same(be, w, p + ".nin_shortcut", cin, cout, 1);
  layers_.push_back(std::move(l));
}

void VaeChain::add_attn(Backend& be, WeightReader& w, const std::string& p, int64_t c) {
  VaeLayer l;
  l.kind = VaeLayer::Attn;
  l.norm.load(w, p + ".norm", c);
  l.q.load(be, w, p + ".q", c, c, true, true);
  l.k.load(be, w, p + ".k", c, c, true, true);
  l.v.load(be, w, p + ".v", c, c, true, true);
  l.conv.load_same(be, w, p + ".proj_out", c, c, 1);
  layers_.push_back(std::move(l));
}

void VaeChain::add_up(Backend& be, WeightReader& w, const std::string& p, int64_t c) {
  VaeLayer l;
  l.kind = VaeLayer::Up;
  l.conv.load_same(be, w, p, c, c, 3);
  layers_.push_back(std::move(l));
}

Shape VaeChain::out_shape(Shape x) const {
  for (auto& l : layers_) x = l.out_shape(x);
  return x;
}

double VaeChain::flops(Shape x) const {
  double f = 0;
  for (auto& l : layers_) {
    f += l.flops(x);
    x = l.out_shape(x);
  }
  return f;
}

void VaeChain::run(Stage& st, const Tensor& x, Tensor& y) {
  ArenaScope scope(st.be.arena());
  // Layer i writes buffer i % 2; each buffer is sized for the largest output of its parity.
  int64_t biggest[2] = {1, 1};
  Shape sh = x.shape();
  for (size_t i = 0; i + 1 < layers_.size(); ++i) {
    sh = layers_[i].out_shape(sh);
    biggest[i % 2] = std::max(biggest[i % 2], shape_numel(sh));
  }
  Tensor pp[2] = {st.alloc({biggest[0]}), st.alloc({biggest[1]})};
  Tensor cur = x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    Shape os = layers_[i].out_shape(cur.shape());
    Tensor out = i + 1 == layers_.size() ? y : Stage::view(pp[i % 2], os);
    layers_[i].forward(st, cur, out, groups_, eps_, /*x_scratch=*/i > 0);
    cur = out;
  }
}

}  // namespace easel
