// BatchedBrownianTree + BrownianTreeNoiseSampler (k-diffusion v0.0.16): sort the query times,
// take each image's tree increment, restore the sign, divide by sqrt|dt| in float32.
#include "sampling/brownian/brownian_noise.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace easel {

BrownianTreeNoiseSampler::BrownianTreeNoiseSampler(const Shape& x_shape, double sigma_min, double sigma_max,
                                                   const std::vector<uint64_t>& seeds, RandnSource source,
                                                   BrownianTreeOptions opts)
    : x_shape_(x_shape) {
  if (x_shape.size() < 2) fail("Brownian noise: latent shape {} has no batch dimension", shape_str(x_shape));
  if (int64_t(seeds.size()) != x_shape[0])
    fail("Brownian noise: {} seeds for a batch of {}", seeds.size(), x_shape[0]);
  if (!std::isfinite(sigma_min) || !std::isfinite(sigma_max))
    fail("Brownian noise: sigma range [{}, {}] is not finite", sigma_min, sigma_max);
  double t0 = sigma_min, t1 = sigma_max;
  // BatchedBrownianTree.sort: (a, b, 1) if a < b else (b, a, -1).
  if (!(t0 < t1)) std::swap(t0, t1), sign_ = -1;
  const Shape one(x_shape.begin() + 1, x_shape.end());
  for (uint64_t s : seeds) trees_.push_back(std::make_unique<BrownianTree>(t0, t1, one, s, source, opts));
}

int64_t BrownianTreeNoiseSampler::randn_calls() const {
  int64_t n = 0;
  for (const auto& t : trees_) n += t->randn_calls();
  return n;
}

size_t BrownianTreeNoiseSampler::nodes() const {
  size_t n = 0;
  for (const auto& t : trees_) n += t->nodes();
  return n;
}

Tensor BrownianTreeNoiseSampler::operator()(float sigma, float sigma_next) {
  ++queries_;
  float a = sigma, b = sigma_next, sign = sign_;
  if (!(a < b)) std::swap(a, b), sign = -sign;
  Tensor out = Tensor::empty(x_shape_);
  const int64_t per = out.numel() / x_shape_[0];
  float* o = out.f32();
  // Each tree draws its node noises in parallel itself.
  for (size_t i = 0; i < trees_.size(); ++i) trees_[i]->increment(double(a), double(b), o + int64_t(i) * per);
  // (t1 - t0).abs().sqrt() on the unsorted float32 times.
  const float denom = std::sqrt(std::fabs(sigma_next - sigma));
  const int64_t n = out.numel();
  for (int64_t i = 0; i < n; ++i) o[i] = (o[i] * sign) / denom;
  return out;
}

NoiseSampler make_brownian_noise_sampler(const Shape& x_shape, double sigma_min, double sigma_max,
                                         const std::vector<uint64_t>& seeds, RandnSource source) {
  auto ns = std::make_shared<BrownianTreeNoiseSampler>(x_shape, sigma_min, sigma_max, seeds, source);
  return [ns](float sigma, float sigma_next) { return (*ns)(sigma, sigma_next); };
}

NoiseSampler make_brownian_noise_sampler(const Shape& x_shape, const std::vector<float>& sigmas,
                                         const std::vector<uint64_t>& seeds, RandnSource source) {
  float lo = INFINITY, hi = -INFINITY;
  bool any_pos = false;
  for (float s : sigmas) {
    if (std::isnan(s)) fail("Brownian noise: schedule contains NaN");
    if (s > 0) lo = std::min(lo, s), any_pos = true;
    hi = std::max(hi, s);
  }
  if (!any_pos) fail("Brownian noise: schedule has no positive sigma");
  return make_brownian_noise_sampler(x_shape, double(lo), double(hi), seeds, source);
}

}  // namespace easel
