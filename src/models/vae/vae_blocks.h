// The layers of the LDM AutoencoderKL encoder/decoder (ResnetBlock with nin_shortcut, single-head
// AttnBlock, nearest-x2 upsample + conv, strided conv) and VaeChain, a straight sequence of them
// evaluated through two ping-pong buffers sized for its largest activation.
#pragma once
#include <string>
#include <vector>

#include "models/common/layers.h"
#include "models/configs.h"

namespace easel {

struct VaeLayer {
  enum Kind { Conv, NormConv, Res, Attn, Up } kind = Conv;
  easel::Conv conv, conv2, shortcut;  // Conv/NormConv/Up: conv; Res: conv, conv2, shortcut
  Norm norm, norm2;
  Linear q, k, v;                     // Attn (1x1 conv weights applied token-major)
  bool has_shortcut = false;
  int64_t cout = 0;
  Shape out_shape(const Shape& x) const;
  // x_scratch: x is an intermediate this layer may overwrite (saves a full-size temporary).
  void forward(Stage& st, Tensor& x, Tensor& y, int groups, float eps, bool x_scratch);
  double flops(const Shape& x) const;
};

class VaeChain {
 public:
  explicit VaeChain(const VAEConfig& cfg) : groups_(cfg.norm_groups), eps_(cfg.eps) {}
  void add_conv(Backend& be, WeightReader& w, const std::string& p, int64_t cin, int64_t cout, int k,
                const Conv2dDesc& d);
  // GroupNorm + SiLU (norm_out) followed by a convolution (conv_out).
  void add_norm_conv(Backend& be, WeightReader& w, const std::string& norm, const std::string& conv, int64_t cin,
                     int64_t cout);
  void add_res(Backend& be, WeightReader& w, const std::string& p, int64_t cin, int64_t cout);
  void add_attn(Backend& be, WeightReader& w, const std::string& p, int64_t c);
  void add_up(Backend& be, WeightReader& w, const std::string& p, int64_t c);

  Shape out_shape(Shape x) const;
  double flops(Shape x) const;
  // x is read only; y [out_shape(x)] is written.
  void run(Stage& st, const Tensor& x, Tensor& y);

 private:
  std::vector<VaeLayer> layers_;
  int groups_;
  float eps_;
};

}  // namespace easel
