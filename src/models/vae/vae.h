// The SD VAE (LDM AutoencoderKL): decoder (post_quant_conv + Decoder) and encoder (Encoder +
// quant_conv -> diagonal Gaussian). The latent scaling factor is applied by the caller.
#pragma once
#include <memory>

#include "models/configs.h"
#include "models/vae/vae_blocks.h"

namespace easel {

class VaeDecoder {
 public:
  // Uses the `post_quant_conv.*` and `decoder.*` tensors of the canonical VAE store.
  VaeDecoder(Backend& be, const TensorStore& weights, const VAEConfig& cfg);
  // z [B, embed_dim, h, w] (already divided by the scaling factor) -> image [B, out_channels, 8h, 8w]
  // (for 4 levels), unclamped, roughly in [-1, 1].
  Tensor decode(const Tensor& z);
  // Analytic FLOPs of decoding a latent of shape z.
  double flops(const Shape& z) const { return chain_.flops(z); }
  size_t arena_bytes() const { return arena_peak_; }

 private:
  Backend& be_;
  VAEConfig cfg_;
  VaeChain chain_;
  size_t arena_peak_ = 0;
};

// The encoder's diagonal Gaussian, on the host: mean, logvar (clamped to [-30, 20]) and
// std = exp(logvar / 2), each [B, embed_dim, h, w].
struct VaeLatentDist {
  Tensor mean, logvar, std;
  // mean + std * noise (noise of the same shape), as DiagonalGaussianDistribution.sample.
  Tensor sample(const Tensor& noise) const;
};

class VaeEncoder {
 public:
  // Uses the `encoder.*` and `quant_conv.*` tensors of the canonical VAE store.
  VaeEncoder(Backend& be, const TensorStore& weights, const VAEConfig& cfg);
  // x [B, in_channels, H, W] in [-1, 1], H and W multiples of 2^(levels-1).
  VaeLatentDist encode(const Tensor& x);
  double flops(const Shape& x) const { return chain_.flops(x); }
  size_t arena_bytes() const { return arena_peak_; }

 private:
  Backend& be_;
  VAEConfig cfg_;
  VaeChain chain_;
  size_t arena_peak_ = 0;
};

}  // namespace easel
