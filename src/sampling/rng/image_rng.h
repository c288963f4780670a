// ImageRng: A1111's modules/rng.py ImageRNG — one generator per image of a batch, variation
// seeds blended in with slerp, "resize seed from", eta noise seed delta, and the draws that
// samplers consume through NoiseSource::next. Also A1111's seed rules for a whole job.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "sampling/noise.h"
#include "sampling/rng/generator.h"

namespace easel {

struct ImageRngOptions {
  RandnSource source = RandnSource::Cpu;
  Shape shape;                     // one image's latent: [C, H, W] (C = 4, H = height/8, ...)
  std::vector<uint64_t> seeds;     // one per image of this batch
  std::vector<uint64_t> subseeds;  // variation seeds; images past its end use 0
  double subseed_strength = 0;     // variation strength; 0 = off
  int64_t seed_resize_from_h = 0;  // pixels; applies when both are > 0 (A1111 default -1)
  int64_t seed_resize_from_w = 0;
  int64_t eta_noise_seed_delta = 0;  // ENSD: reseeds the generators after the initial noise
};

class ImageRng : public NoiseSource {
 public:
  explicit ImageRng(ImageRngOptions opts);
  // The initial latent noise, [B, C, H, W]; must be the first draw.
  Tensor first();
  // As ImageRNG.next(): the first call returns first(), later ones one fresh draw per image.
  // `shape` must be [B, C, H, W] of this batch.
  Tensor next(const Shape& shape) override;
  // Number of draws so far (the initial noise included).
  int64_t draws() const { return draws_; }
  const ImageRngOptions& options() const { return opts_; }

 private:
  Tensor image_first(size_t i);
  ImageRngOptions opts_;
  std::vector<std::unique_ptr<RandnGenerator>> gens_;
  int64_t draws_ = 0;
};

// A1111 get_fixed_seed: -1 becomes random.randrange(4294967294); other values are used as
// given (negative ones as their 64-bit two's complement, as torch.manual_seed does).
uint64_t resolve_seed(int64_t seed);

// Per-image seeds of a job of n images (A1111 process_images_inner): seed + i, or `seed` for
// every image when variation strength is non-zero; subseeds are always subseed + i.
struct JobSeeds {
  std::vector<uint64_t> seeds, subseeds;
};
JobSeeds plan_seeds(uint64_t seed, uint64_t subseed, double subseed_strength, int64_t n_images);

}  // namespace easel
