// VAE decoder/encoder construction (LDM module names) and evaluation.
#include "models/vae/vae.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.h"

namespace easel {

namespace {
void check_cfg(const VAEConfig& cfg) {
  if (cfg.ch_mult.empty() || cfg.ch <= 0 || cfg.num_res_blocks < 1 || cfg.z_channels <= 0 || cfg.embed_dim <= 0)
    fail("vae: invalid config (ch {}, {} levels, {} res blocks, z {}, embed {})", cfg.ch, cfg.ch_mult.size(),
         cfg.num_res_blocks, cfg.z_channels, cfg.embed_dim);
}
}  // namespace

VaeDecoder::VaeDecoder(Backend& be, const TensorStore& weights, const VAEConfig& cfg)
    : be_(be), cfg_(cfg), chain_(cfg) {
  check_cfg(cfg);
  WeightReader w(weights, "vae");
  const int levels = int(cfg.ch_mult.size());
  int64_t c = int64_t(cfg.ch) * cfg.ch_mult.back();
  chain_.add_conv(be, w, "post_quant_conv", cfg.embed_dim, cfg.z_channels, 1, Conv2dDesc::same(1));
  chain_.add_conv(be, w, "decoder.conv_in", cfg.z_channels, c, 3, Conv2dDesc::same(3));
  chain_.add_res(be, w, "decoder.mid.block_1", c, c);
  chain_.add_attn(be, w, "decoder.mid.attn_1", c);
  chain_.add_res(be, w, "decoder.mid.block_2", c, c);
  for (int level = levels - 1; level >= 0; --level) {
    const int64_t co = int64_t(cfg.ch) * cfg.ch_mult[level];
    for (int b = 0; b <= cfg.num_res_blocks; ++b) {
      chain_.add_res(be, w, fmt::format("decoder.up.{}.block.{}", level, b), c, co);
      c = co;
    }
    if (level != 0) chain_.add_up(be, w, fmt::format("decoder.up.{}.upsample.conv", level), c);
  }
  chain_.add_norm_conv(be, w, "decoder.norm_out", "decoder.conv_out", c, cfg.out_channels);
  w.check_all_used({"decoder.", "post_quant_conv."});
}

Tensor VaeDecoder::decode(const Tensor& z) {
  if (z.ndim() != 4 || z.dim(1) != cfg_.embed_dim || z.dim(0) < 1 || z.dim(2) < 1 || z.dim(3) < 1)
    fail("vae decode: latent {} is not [B, {}, h, w]", shape_str(z.shape()), cfg_.embed_dim);
  Tensor result;
  {
    Stage st(be_, "vae decode", arena_peak_);
    Tensor zd = st.alloc(z.shape());
    st.be.copy(z, zd);
    Tensor y = st.alloc(chain_.out_shape(z.shape()));
    chain_.run(st, zd, y);
    result = Tensor::empty(y.shape());
    st.be.copy(y, result);
  }
  be_.arena().consolidate();
  return result;
}

VaeEncoder::VaeEncoder(Backend& be, const TensorStore& weights, const VAEConfig& cfg)
    : be_(be), cfg_(cfg), chain_(cfg) {
  check_cfg(cfg);
  WeightReader w(weights, "vae");
  const int levels = int(cfg.ch_mult.size());
  int64_t c = cfg.ch;
  chain_.add_conv(be, w, "encoder.conv_in", cfg.in_channels, c, 3, Conv2dDesc::same(3));
  for (int level = 0; level < levels; ++level) {
    const int64_t co = int64_t(cfg.ch) * cfg.ch_mult[level];
    for (int b = 0; b < cfg.num_res_blocks; ++b) {
      chain_.add_res(be, w, fmt::format("encoder.down.{}.block.{}", level, b), c, co);
      c = co;
    }
    // LDM pads right and bottom by one, then convolves 3x3 with stride 2 and no padding.
    if (level != levels - 1)
      chain_.add_conv(be, w, fmt::format("encoder.down.{}.downsample.conv", level), c, c, 3,
                      Conv2dDesc{2, 0, 0, 1, 1});
  }
  chain_.add_res(be, w, "encoder.mid.block_1", c, c);
  chain_.add_attn(be, w, "encoder.mid.attn_1", c);
  chain_.add_res(be, w, "encoder.mid.block_2", c, c);
  chain_.add_norm_conv(be, w, "encoder.norm_out", "encoder.conv_out", c, 2 * int64_t(cfg.z_channels));
  chain_.add_conv(be, w, "quant_conv", 2 * int64_t(cfg.z_channels), 2 * int64_t(cfg.embed_dim), 1,
                  Conv2dDesc::same(1));
  w.check_all_used({"encoder.", "quant_conv."});
}

VaeLatentDist VaeEncoder::encode(const Tensor& x) {
  const int64_t down = int64_t(1) << (cfg_.ch_mult.size() - 1);
  if (x.ndim() != 4 || x.dim(1) != cfg_.in_channels || x.dim(0) < 1)
    fail("vae encode: image {} is not [B, {}, H, W]", shape_str(x.shape()), cfg_.in_channels);
  if (x.dim(2) % down != 0 || x.dim(3) % down != 0 || x.dim(2) < down || x.dim(3) < down)
    fail("vae encode: image size {}x{} must be a positive multiple of {}", x.dim(3), x.dim(2), down);
  Tensor moments;
  {
    Stage st(be_, "vae encode", arena_peak_);
    Tensor xd = st.alloc(x.shape());
    st.be.copy(x, xd);
    Tensor y = st.alloc(chain_.out_shape(x.shape()));
    chain_.run(st, xd, y);
    moments = Tensor::empty(y.shape());
    st.be.copy(y, moments);
  }
  be_.arena().consolidate();

  // Split the 2*embed_dim channels into mean and logvar on the host (the result is small).
  const int64_t B = moments.dim(0), E = cfg_.embed_dim, HW = moments.dim(2) * moments.dim(3);
  const Shape s{B, E, moments.dim(2), moments.dim(3)};
  VaeLatentDist d{Tensor::empty(s), Tensor::empty(s), Tensor::empty(s)};
  const float* m = moments.f32();
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < E * HW; ++i) {
      const float mean = m[(b * 2 * E) * HW + i];
      const float lv = std::clamp(m[(b * 2 * E + E) * HW + i], -30.0f, 20.0f);
      d.mean.f32()[b * E * HW + i] = mean;
      d.logvar.f32()[b * E * HW + i] = lv;
      d.std.f32()[b * E * HW + i] = std::exp(0.5f * lv);
    }
  return d;
}

Tensor VaeLatentDist::sample(const Tensor& noise) const {
  if (noise.shape() != mean.shape())
    fail("vae sample: noise {} does not match the latent {}", shape_str(noise.shape()), shape_str(mean.shape()));
  Tensor out = Tensor::empty(mean.shape());
  const float *m = mean.f32(), *s = std.f32(), *n = noise.f32();
  float* o = out.f32();
  for (int64_t i = 0; i < out.numel(); ++i) o[i] = m[i] + s[i] * n[i];
  return out;
}

}  // namespace easel
