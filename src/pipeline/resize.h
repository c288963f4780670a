// img2img input sizing as A1111 does it: PIL's separable resampling (Lanczos for resizes,
// bicubic for the fill strips; 8-bit fixed-point coefficients as Pillow's ImagingResample), the
// four resize modes of images.resize_image, and torch's bilinear latent interpolation.
#pragma once
#include "core/tensor.h"
#include "io/image.h"

namespace easel {

enum class ResampleFilter { Lanczos, Bicubic };

// PIL Image.resize((w, h), resample=f, box=(x0, y0, x1, y1)); a box of {0,0,0,0} means the
// whole image. Same size and whole box returns a copy, as PIL does.
Image pil_resize(const Image& im, int w, int h, ResampleFilter f, const double box[4] = nullptr);

// A1111 images.resize_image with no upscaler: 0 just resize, 1 crop and resize, 2 resize and
// fill. (Mode 3, latent upscale, leaves the image alone and resizes the latent instead.)
Image a1111_resize_image(int mode, const Image& im, int width, int height);

// torch.nn.functional.interpolate(x, size=(h, w), mode="bilinear") (align_corners=False) on
// [B,C,H,W] float32.
Tensor bilinear_resize(const Tensor& x, int h, int w);

}  // namespace easel
