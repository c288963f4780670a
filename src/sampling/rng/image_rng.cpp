// ImageRng: initial noise per image (variation blend, seed resize), ENSD reseeding and the
// per-image draws that follow; A1111 seed rules.
#include "sampling/rng/image_rng.h"

#include <algorithm>
#include <cstring>
#include <random>

#include "core/error.h"
#include "sampling/rng/slerp.h"

namespace easel {

ImageRng::ImageRng(ImageRngOptions opts) : opts_(std::move(opts)) {
  const Shape& s = opts_.shape;
  if (s.size() != 3 || s[0] <= 0 || s[1] <= 0 || s[2] <= 0)
    fail("ImageRng: latent shape must be [C, H, W] with positive sizes, got {}", shape_str(s));
  if (opts_.seeds.empty()) fail("ImageRng: no seeds (batch size 0)");
  if (!(opts_.subseed_strength >= 0 && opts_.subseed_strength <= 1))
    fail("ImageRng: variation strength {} outside [0, 1]", opts_.subseed_strength);
  for (uint64_t seed : opts_.seeds) gens_.push_back(make_generator(opts_.source, seed));
}

Tensor ImageRng::image_first(size_t i) {
  const Shape& shape = opts_.shape;
  const uint64_t seed = opts_.seeds[i];
  Shape noise_shape = shape;
  if (opts_.seed_resize_from_h > 0 && opts_.seed_resize_from_w > 0)
    noise_shape = {shape[0], opts_.seed_resize_from_h / 8, opts_.seed_resize_from_w / 8};
  // Under 8 px the old-size noise is empty upstream: nothing is pasted onto the canvas.
  if (noise_shape[1] == 0 || noise_shape[2] == 0) return gens_[i]->randn(shape);
  const bool resized = noise_shape != shape;

  Tensor sub;
  if (opts_.subseed_strength != 0) {
    const uint64_t subseed = i < opts_.subseeds.size() ? opts_.subseeds[i] : 0;
    sub = randn_seeded(opts_.source, subseed, noise_shape);
  }
  // With a resize the base noise comes from a fresh generator; the image's own generator is
  // used (once) for the full-size canvas below.
  Tensor noise = resized ? randn_seeded(opts_.source, seed, noise_shape) : gens_[i]->randn(shape);
  if (sub.defined()) {
    Tensor blended = Tensor::empty(noise_shape);
    slerp_a1111(opts_.subseed_strength, noise.f32(), sub.f32(), blended.f32(), noise_shape[0],
                noise_shape[1], noise_shape[2], opts_.source);
    noise = blended;
  }
  if (!resized) return noise;

  Tensor x = gens_[i]->randn(shape);
  // Centre the old-size noise on the new canvas (crop where it is larger), as upstream does
  // with floor division.
  auto floordiv2 = [](int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
  int64_t dx = floordiv2(shape[2] - noise_shape[2]);
  int64_t dy = floordiv2(shape[1] - noise_shape[1]);
  const int64_t w = dx >= 0 ? noise_shape[2] : noise_shape[2] + 2 * dx;
  const int64_t h = dy >= 0 ? noise_shape[1] : noise_shape[1] + 2 * dy;
  const int64_t tx = std::max<int64_t>(dx, 0), ty = std::max<int64_t>(dy, 0);
  dx = std::max<int64_t>(-dx, 0);
  dy = std::max<int64_t>(-dy, 0);
  float* xd = x.f32();
  const float* nd = noise.f32();
  for (int64_t c = 0; c < shape[0]; ++c)
    for (int64_t r = 0; r < h; ++r)
      std::memcpy(xd + (c * shape[1] + ty + r) * shape[2] + tx,
                  nd + (c * noise_shape[1] + dy + r) * noise_shape[2] + dx, size_t(w) * sizeof(float));
  return x;
}

Tensor ImageRng::first() {
  if (draws_ != 0) fail("ImageRng: first() called after {} draws", draws_);
  const Shape& s = opts_.shape;
  const int64_t per = shape_numel(s);
  Tensor out = Tensor::empty({int64_t(gens_.size()), s[0], s[1], s[2]});
  for (size_t i = 0; i < gens_.size(); ++i) {
    Tensor t = image_first(i);
    std::memcpy(out.f32() + int64_t(i) * per, t.f32(), size_t(per) * sizeof(float));
  }
  // ENSD changes only what is drawn after the initial noise.
  if (opts_.eta_noise_seed_delta != 0)
    for (size_t i = 0; i < gens_.size(); ++i)
      gens_[i] = make_generator(opts_.source, opts_.seeds[i] + uint64_t(opts_.eta_noise_seed_delta));
  draws_ = 1;
  return out;
}

Tensor ImageRng::next(const Shape& shape) {
  const Shape& s = opts_.shape;
  const Shape want = {int64_t(gens_.size()), s[0], s[1], s[2]};
  if (shape != want)
    fail("ImageRng: noise of shape {} requested, this batch draws {}", shape_str(shape), shape_str(want));
  if (draws_ == 0) return first();
  const int64_t per = shape_numel(s);
  Tensor out = Tensor::empty(want);
  for (size_t i = 0; i < gens_.size(); ++i) gens_[i]->randn(out.f32() + int64_t(i) * per, per);
  ++draws_;
  return out;
}

uint64_t resolve_seed(int64_t seed) {
  if (seed != -1) return uint64_t(seed);
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> pick(0, 4294967293ull);
  return pick(rd);
}

JobSeeds plan_seeds(uint64_t seed, uint64_t subseed, double subseed_strength, int64_t n_images) {
  if (n_images < 0) fail("plan_seeds: negative image count {}", n_images);
  JobSeeds js;
  for (int64_t i = 0; i < n_images; ++i) {
    js.seeds.push_back(seed + (subseed_strength == 0 ? uint64_t(i) : 0));
    js.subseeds.push_back(subseed + uint64_t(i));
  }
  return js;
}

}  // namespace easel
