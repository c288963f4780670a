// NoiseSource: where samplers get their random normals. A1111's ImageRNG (per-image seeds,
// variation seeds, CPU or NV generators) implements it; tests inject stored noise through it.
#pragma once
#include "core/tensor.h"

namespace easel {

class NoiseSource {
 public:
  virtual ~NoiseSource() = default;
  // Next draw of standard normals with this shape (for a batch: [B, C, H, W], each image's
  // slice from its own generator, as A1111's ImageRNG.next()).
  virtual Tensor next(const Shape& shape) = 0;
};

}  // namespace easel
