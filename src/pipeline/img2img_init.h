// img2img's init latent as A1111's StableDiffusionProcessingImg2Img.init builds it: resize mode,
// 8-bit -> [-1,1], VAE encode of each batch image, posterior sample, scale, latent upscale.
#pragma once
#include <cstdint>

#include "io/image.h"
#include "pipeline/model_loader.h"
#include "sampling/rng/generator.h"

namespace easel {

// The image as the sampler's batch sees it (modes 0-2 resize to width x height; mode 3 keeps it).
Image img2img_prepare_image(const Image& im, int resize_mode, int width, int height);

// [batch, C, height/f, width/f]. A1111 samples the posterior with torch's *global* generator
// (whose state depends on the process history); easel draws that noise from a generator of the
// chosen source seeded with the job's first seed, so runs are reproducible.
Tensor img2img_init_latent(SDModel& m, const Image& prepared, int resize_mode, int width, int height, int batch,
                           uint64_t seed, RandnSource source);

}  // namespace easel
