// The layers of the LDM openaimodel UNet: ResBlock (with the time-embedding add) and
// SpatialTransformer (GroupNorm, proj_in, BasicTransformerBlocks, proj_out, residual).
#pragma once
#include <string>
#include <vector>

#include "models/common/layers.h"
#include "models/configs.h"

namespace easel {

struct UNetResBlock {
  Norm in_norm, out_norm;
  Conv in_conv, out_conv, skip;
  Linear emb;
  bool has_skip = false;
  int64_t cin = 0, cout = 0;
  int groups = 32;
  float eps = 1e-5f;
  void load(Backend& be, WeightReader& w, const std::string& prefix, int64_t cin, int64_t cout,
            const UNetConfig& cfg);
  Shape out_shape(const Shape& x) const { return {x[0], cout, x[2], x[3]}; }
  // emb_silu: SiLU(time embedding) [N, time_embed_dim]; y [N, cout, H, W].
  void forward(Stage& st, const Tensor& x, const Tensor& emb_silu, Tensor& y);
  double flops(const Shape& x) const;
};

struct UNetTransformer {
  struct Block {
    Norm n1, n2, n3;
    Linear q1, k1, v1, o1, q2, k2, v2, o2, ff_in, ff_out;
  };
  Norm norm;
  Conv proj_in_conv, proj_out_conv;
  Linear proj_in_lin, proj_out_lin;
  bool linear = false;
  std::vector<Block> blocks;
  int64_t channels = 0, ff_inner = 0;
  int heads = 8, groups = 32;
  float gn_eps = 1e-6f, ln_eps = 1e-5f;
  void load(Backend& be, WeightReader& w, const std::string& prefix, int64_t channels, int depth,
            const UNetConfig& cfg);
  // x, y [N, C, H, W]; context [N, Lc, context_dim].
  void forward(Stage& st, const Tensor& x, const Tensor& context, Tensor& y);
  double flops(const Shape& x, int64_t context_len) const;
};

}  // namespace easel
