// Live previews: A1111's "Approx cheap" latent -> RGB (a fixed 4x3 linear map per pixel, at
// latent resolution) for the progress endpoint.
#pragma once
#include "core/tensor.h"
#include "io/image.h"

namespace easel::server {

// Image `index` of a [B,C,h,w] float latent in sampler space. 4-channel latents use SD 1.x/2.x's
// coefficients; other channel counts show channel 0 as grey.
Image latent_preview(const Tensor& latent, int index = 0);

}  // namespace easel::server
