// The SD UNet (LDM openaimodel UNetModel): time embedding, input blocks, middle block, output
// blocks with skip concatenation, GroupNorm-SiLU-conv head; predicts eps (or v) for a batch.
#pragma once
#include <memory>
#include <span>
#include <vector>

#include "models/configs.h"
#include "models/unet/unet_blocks.h"

namespace easel {

class UNet {
 public:
  // `weights` holds canonical names (LDM names without `model.diffusion_model.`).
  UNet(Backend& be, const TensorStore& weights, const UNetConfig& cfg);
  ~UNet();

  // x [B, in_channels, H, W] (H, W divisible by 2^(levels-1)); timesteps: B values, integer or
  // continuous; context [B, Lc, context_dim]. Returns the network output [B, out_channels, H, W].
  Tensor forward(const Tensor& x, std::span<const float> timesteps, const Tensor& context);

  // Analytic FLOPs (2 x multiply-adds of convolutions, matmuls and attention) of one forward.
  double flops(int64_t batch, int64_t h, int64_t w, int64_t context_len) const;
  const UNetConfig& config() const { return cfg_; }
  size_t arena_bytes() const { return arena_peak_; }

 private:
  struct Layer;
  using Seq = std::vector<std::unique_ptr<Layer>>;
  static Shape layer_out_shape(const Layer& l, const Shape& in);
  Shape seq_out_shape(const Seq& s, Shape in) const;
  double seq_flops(const Seq& s, Shape in, int64_t context_len) const;
  void run_seq(Stage& st, Seq& s, const Tensor& x, Tensor& y, const Tensor& emb, const Tensor& ctx);

  Backend& be_;
  UNetConfig cfg_;
  Linear time1_, time2_;
  std::vector<Seq> input_, output_;
  Seq middle_;
  Norm out_norm_;
  Conv out_conv_;
  std::vector<Tensor> skips_;
  size_t arena_peak_ = 0;
};

}  // namespace easel
