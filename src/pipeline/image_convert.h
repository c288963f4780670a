// Pixel conversions of A1111's processing: decoded VAE output -> 8-bit (clamp((x+1)/2) in
// float32, *255, truncation), 8-bit -> encoder input, and the "Approx cheap" latent preview.
#pragma once
#include <vector>

#include "core/tensor.h"
#include "io/image.h"

namespace easel {

// decoded [B,3,H,W] -> image b as 8-bit RGB (HWC), exactly as A1111's process_images_inner.
Image decoded_to_image(const Tensor& decoded, int b);

// Images (all the same size) -> [B,3,H,W] float32 in [-1,1]: u8 / 255.0 (float32), then
// x * 2 - 1 as A1111's img2img + images_tensor_to_samples do.
Tensor images_to_tensor(const std::vector<const Image*>& images);

// A1111 sd_vae_approx.cheap_approximation for SD 1.x/2.x latents: a fixed 4x3 linear map,
// then (x * 0.5 + 0.5) clamped, *255, truncated; one pixel per latent cell. latent [B,4,h,w].
Image latent_preview_cheap(const Tensor& latent, int b);

}  // namespace easel
