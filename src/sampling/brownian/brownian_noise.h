// A1111's SDE step noise: k-diffusion's BrownianTreeNoiseSampler over a BatchedBrownianTree,
// one torchsde BrownianTree per image seeded with that image's seed, as
// sd_samplers_common.create_noise_sampler builds it for DPM++ SDE / 2M SDE (Heun) / 3M SDE.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "sampling/brownian/brownian_tree.h"
#include "sampling/sampler.h"

namespace easel {

class BrownianTreeNoiseSampler {
 public:
  // x_shape: the batch latent [B, ...]; seeds: one per image (B of them). sigma_min/max are the
  // float32 sigmas A1111 takes from the schedule (min of the positive ones, max), widened.
  BrownianTreeNoiseSampler(const Shape& x_shape, double sigma_min, double sigma_max, const std::vector<uint64_t>& seeds,
                           RandnSource source, BrownianTreeOptions opts = {});
  // noise_sampler(sigma, sigma_next): (W(sigma_next) - W(sigma)) / sqrt(|sigma_next - sigma|),
  // [B, ...]; float32 arguments as the samplers pass them.
  Tensor operator()(float sigma, float sigma_next);

  int64_t queries() const { return queries_; }
  int64_t randn_calls() const;
  size_t nodes() const;

 private:
  Shape x_shape_;
  float sign_ = 1;  // -1 when the tree was built from (sigma_max, sigma_min) reversed
  std::vector<std::unique_ptr<BrownianTree>> trees_;
  int64_t queries_ = 0;
};

// The NoiseSampler A1111 passes to its Brownian samplers for this batch: x is the latent
// (only its shape is used), seeds are the batch's all_seeds slice (not ENSD-shifted).
NoiseSampler make_brownian_noise_sampler(const Shape& x_shape, double sigma_min, double sigma_max,
                                         const std::vector<uint64_t>& seeds, RandnSource source);
// Same, taking sigma_min/sigma_max from the schedule the sampler runs (A1111:
// sigmas[sigmas > 0].min(), sigmas.max()).
NoiseSampler make_brownian_noise_sampler(const Shape& x_shape, const std::vector<float>& sigmas,
                                         const std::vector<uint64_t>& seeds, RandnSource source);

}  // namespace easel
