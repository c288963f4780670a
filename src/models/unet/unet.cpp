// UNet construction from the config (names follow openaimodel's module tree) and its forward pass.
// Memory: skip activations stay live from the input to the output blocks; the middle and output
// blocks alternate between two buffers sized for the largest of them.
#include "models/unet/unet.h"

#include <algorithm>
#include <fmt/format.h>

#include "core/error.h"

namespace easel {

struct UNet::Layer {
  enum Kind { Res, Attn, Down, Up, ConvIn } kind;
  UNetResBlock res;
  UNetTransformer attn;
  Conv conv;
};

UNet::~UNet() = default;

UNet::UNet(Backend& be, const TensorStore& weights, const UNetConfig& cfg) : be_(be), cfg_(cfg) {
  const int levels = int(cfg.channel_mult.size());
  if (levels < 1 || cfg.model_channels <= 0 || cfg.num_res_blocks < 1)
    fail("unet: invalid config (model_channels {}, {} levels, {} res blocks)", cfg.model_channels, levels,
         cfg.num_res_blocks);
  if (cfg.adm_in_channels > 0) fail("unet: class/ADM conditioning (label_emb, SDXL) is not supported yet");
  if (int(cfg.transformer_depth.size()) < levels)
    fail("unet: transformer_depth has {} entries for {} levels", cfg.transformer_depth.size(), levels);
  auto has_attn = [&](int level) {
    return std::find(cfg.attention_levels.begin(), cfg.attention_levels.end(), level) !=
               cfg.attention_levels.end() && cfg.transformer_depth[level] > 0;
  };
  WeightReader w(weights, "unet");
  const int64_t mc = cfg.model_channels;
  time1_.load(be, w, "time_embed.0", mc, cfg.time_embed_dim);
  time2_.load(be, w, "time_embed.2", cfg.time_embed_dim, cfg.time_embed_dim);

  auto make = [](Layer::Kind k) {
    auto l = std::make_unique<Layer>();
    l->kind = k;
    return l;
  };
  std::vector<int64_t> chans{mc};
  int64_t ch = mc;
  {
    Seq s;
    s.push_back(make(Layer::ConvIn));
    s.back()->conv.load_same(be, w, "input_blocks.0.0", cfg.in_channels, mc, 3);
    input_.push_back(std::move(s));
  }
  for (int level = 0; level < levels; ++level) {
    const int64_t co = mc * cfg.channel_mult[level];
    for (int r = 0; r < cfg.num_res_blocks; ++r) {
      const std::string p = fmt::format("input_blocks.{}", input_.size());
      Seq s;
      s.push_back(make(Layer::Res));
      s.back()->res.load(be, w, p + ".0", ch, co, cfg);
      ch = co;
      if (has_attn(level)) {
        s.push_back(make(Layer::Attn));
        s.back()->attn.load(be, w, p + ".1", ch, cfg.transformer_depth[level], cfg);
      }
      input_.push_back(std::move(s));
      chans.push_back(ch);
    }
    if (level != levels - 1) {
      Seq s;
      s.push_back(make(Layer::Down));
      s.back()->conv.load_same(be, w, fmt::format("input_blocks.{}.0.op", input_.size()), ch, ch, 3, 2);
      input_.push_back(std::move(s));
      chans.push_back(ch);
    }
  }
  middle_.push_back(make(Layer::Res));
  middle_.back()->res.load(be, w, "middle_block.0", ch, ch, cfg);
  int mid_idx = 1;
  if (cfg.transformer_depth_middle > 0) {
    middle_.push_back(make(Layer::Attn));
    middle_.back()->attn.load(be, w, "middle_block.1", ch, cfg.transformer_depth_middle, cfg);
    mid_idx = 2;
  }
  middle_.push_back(make(Layer::Res));
  middle_.back()->res.load(be, w, fmt::format("middle_block.{}", mid_idx), ch, ch, cfg);

  for (int level = levels - 1; level >= 0; --level) {
    const int64_t co = mc * cfg.channel_mult[level];
    for (int r = 0; r <= cfg.num_res_blocks; ++r) {
      const std::string p = fmt::format("output_blocks.{}", output_.size());
      const int64_t skip_ch = chans.back();
      chans.pop_back();
      Seq s;
      s.push_back(make(Layer::Res));
      s.back()->res.load(be, w, p + ".0", ch + skip_ch, co, cfg);
      ch = co;
      if (has_attn(level)) {
        s.push_back(make(Layer::Attn));
        s.back()->attn.load(be, w, fmt::format("{}.{}", p, s.size() - 1), ch, cfg.transformer_depth[level], cfg);
      }
      if (level != 0 && r == cfg.num_res_blocks) {
        s.push_back(make(Layer::Up));
        s.back()->conv.load_same(be, w, fmt::format("{}.{}.conv", p, s.size() - 1), ch, ch, 3);
      }
      output_.push_back(std::move(s));
    }
  }
  out_norm_.load(w, "out.0", ch);
  out_conv_.load_same(be, w, "out.2", ch, cfg.out_channels, 3);
  w.check_all_used();
  skips_.reserve(input_.size());
}

Shape UNet::layer_out_shape(const Layer& l, const Shape& sh) {
  switch (l.kind) {
    case Layer::Res: return l.res.out_shape(sh);
    case Layer::Attn: return sh;
    case Layer::Down:
    case Layer::ConvIn: return l.conv.out_shape(sh);
    case Layer::Up: return {sh[0], sh[1], sh[2] * 2, sh[3] * 2};
  }
  return sh;
}

Shape UNet::seq_out_shape(const Seq& s, Shape sh) const {
  for (auto& l : s) sh = layer_out_shape(*l, sh);
  return sh;
}

double UNet::seq_flops(const Seq& s, Shape sh, int64_t lc) const {
  double f = 0;
  for (auto& l : s) {
    switch (l->kind) {
      case Layer::Res: f += l->res.flops(sh); break;
      case Layer::Attn: f += l->attn.flops(sh, lc); break;
      case Layer::Down:
      case Layer::ConvIn: f += l->conv.flops(sh); break;
      case Layer::Up: f += l->conv.flops({sh[0], sh[1], sh[2] * 2, sh[3] * 2}); break;
    }
    sh = layer_out_shape(*l, sh);
  }
  return f;
}

double UNet::flops(int64_t B, int64_t H, int64_t W, int64_t lc) const {
  double f = time1_.flops(B) + time2_.flops(B);
  Shape h{B, cfg_.in_channels, H, W};
  std::vector<Shape> skips;
  for (auto& s : input_) {
    f += seq_flops(s, h, lc);
    h = seq_out_shape(s, h);
    skips.push_back(h);
  }
  f += seq_flops(middle_, h, lc);
  h = seq_out_shape(middle_, h);
  for (auto& s : output_) {
    Shape cat{B, h[1] + skips.back()[1], h[2], h[3]};
    skips.pop_back();
    f += seq_flops(s, cat, lc);
    h = seq_out_shape(s, cat);
  }
  return f + out_conv_.flops(h);
}

void UNet::run_seq(Stage& st, Seq& s, const Tensor& x, Tensor& y, const Tensor& emb, const Tensor& ctx) {
  ArenaScope scope(st.be.arena());
  Tensor cur = x;
  for (size_t i = 0; i < s.size(); ++i) {
    Layer& l = *s[i];
    Tensor out = i + 1 == s.size() ? y : st.alloc(layer_out_shape(l, cur.shape()));
    switch (l.kind) {
      case Layer::Res: l.res.forward(st, cur, emb, out); break;
      case Layer::Attn: l.attn.forward(st, cur, ctx, out); break;
      case Layer::Down:
      case Layer::ConvIn: l.conv.op->forward(cur, out); break;
      case Layer::Up: {
        ArenaScope up_scope(st.be.arena());
        Tensor u = st.alloc({cur.dim(0), cur.dim(1), cur.dim(2) * 2, cur.dim(3) * 2});
        st.be.upsample_nearest2x(cur, u);
        l.conv.op->forward(u, out);
        break;
      }
    }
    cur = out;
  }
}

Tensor UNet::forward(const Tensor& x, std::span<const float> timesteps, const Tensor& context) {
  const int levels = int(cfg_.channel_mult.size());
  const int64_t down = int64_t(1) << (levels - 1);
  if (x.ndim() != 4 || x.dim(1) != cfg_.in_channels || x.dim(0) < 1)
    fail("unet: input {} is not [B, {}, H, W]", shape_str(x.shape()), cfg_.in_channels);
  const int64_t B = x.dim(0), H = x.dim(2), W = x.dim(3);
  if (H % down != 0 || W % down != 0 || H < down || W < down)
    fail("unet: latent size {}x{} must be a positive multiple of {}", H, W, down);
  if (int64_t(timesteps.size()) != B) fail("unet: {} timesteps for a batch of {}", timesteps.size(), B);
  if (context.ndim() != 3 || context.dim(0) != B || context.dim(2) != cfg_.context_dim || context.dim(1) < 1)
    fail("unet: context {} is not [{}, L, {}]", shape_str(context.shape()), B, cfg_.context_dim);

  const int64_t mc = cfg_.model_channels;
  const Tensor t_host = Tensor::view({B}, DType::F32, const_cast<float*>(timesteps.data()), nullptr);

  Tensor result;
  {
    Stage st(be_, "unet", arena_peak_);
    Backend& be = st.be;
    Tensor xd = st.alloc(x.shape()), cd = st.alloc(context.shape()), tt = st.alloc({B}), td = st.alloc({B, mc});
    be.copy(x, xd);
    be.copy(context, cd);
    be.copy(t_host, tt);
    be.timestep_embedding(tt, td);
    Tensor e1 = st.alloc({B, cfg_.time_embed_dim}), emb = st.alloc({B, cfg_.time_embed_dim});
    time1_.op->forward(td, e1, nullptr, Act::SiLU);
    // Every ResBlock consumes SiLU(emb) only, so the activation is fused here once.
    time2_.op->forward(e1, emb, nullptr, Act::SiLU);

    skips_.clear();
    Tensor h = xd;
    for (Seq& s : input_) {
      Tensor y = st.alloc(seq_out_shape(s, h.shape()));
      run_seq(st, s, h, y, emb, cd);
      skips_.push_back(y);
      h = y;
    }
    // Plan the ping-pong buffers from the shapes the middle and output blocks will produce.
    int64_t biggest = 0;
    {
      Shape sh = seq_out_shape(middle_, h.shape());
      biggest = shape_numel(sh);
      for (size_t i = 0; i < output_.size(); ++i) {
        const Shape& sk = skips_[skips_.size() - 1 - i].shape();
        sh = seq_out_shape(output_[i], {sh[0], sh[1] + sk[1], sh[2], sh[3]});
        biggest = std::max(biggest, shape_numel(sh));
      }
    }
    Tensor pp[2] = {st.alloc({biggest}), st.alloc({biggest})};
    int cur = 0;
    {
      Tensor y = Stage::view(pp[cur], seq_out_shape(middle_, h.shape()));
      run_seq(st, middle_, h, y, emb, cd);
      h = y;
    }
    for (Seq& s : output_) {
      cur ^= 1;
      ArenaScope scope(be.arena());
      const Tensor& sk = skips_.back();
      Tensor cat = st.alloc({B, h.dim(1) + sk.dim(1), h.dim(2), h.dim(3)});
      be.concat_channels(h, sk, cat);
      skips_.pop_back();
      Tensor y = Stage::view(pp[cur], seq_out_shape(s, cat.shape()));
      run_seq(st, s, cat, y, emb, cd);
      h = y;
    }
    Tensor n = st.alloc(h.shape());
    be.group_norm(h, n, out_norm_.gamma, out_norm_.beta, cfg_.norm_groups, cfg_.norm_eps, true);
    Tensor o = st.alloc({B, cfg_.out_channels, H, W});
    out_conv_.op->forward(n, o);
    result = Tensor::empty(o.shape());
    be.copy(o, result);
    skips_.clear();
  }
  be_.arena().consolidate();
  return result;
}

}  // namespace easel
