// The 8-bit conversions; each float step is one float32 operation in numpy/torch's order.
#include "pipeline/image_convert.h"

#include <algorithm>
#include <cstdint>

#include "core/error.h"

namespace easel {

namespace {
uint8_t unit_to_u8(float v) {  // clamp to [0,1], 255. * v in float32, astype(uint8)
  v = std::min(std::max(v, 0.0f), 1.0f);
  return uint8_t(255.0f * v);
}
}  // namespace

Image decoded_to_image(const Tensor& d, int b) {
  if (d.ndim() != 4 || d.dim(1) != 3 || b < 0 || b >= d.dim(0)) fail("decoded image batch {} has no image {}", shape_str(d.shape()), b);
  Image img;
  img.height = int(d.dim(2));
  img.width = int(d.dim(3));
  const int64_t plane = d.dim(2) * d.dim(3);
  const float* src = d.f32() + int64_t(b) * 3 * plane;
  img.rgb.resize(size_t(plane) * 3);
  for (int64_t i = 0; i < plane; ++i)
    for (int c = 0; c < 3; ++c) img.rgb[size_t(i * 3 + c)] = unit_to_u8((src[c * plane + i] + 1.0f) / 2.0f);
  return img;
}

Tensor images_to_tensor(const std::vector<const Image*>& images) {
  if (images.empty()) fail("no images");
  const int W = images[0]->width, H = images[0]->height;
  Tensor t = Tensor::empty({int64_t(images.size()), 3, H, W});
  const int64_t plane = int64_t(H) * W;
  for (size_t b = 0; b < images.size(); ++b) {
    const Image& im = *images[b];
    if (im.width != W || im.height != H || im.rgb.size() != size_t(plane) * 3) fail("images of different sizes in one batch");
    float* dst = t.f32() + int64_t(b) * 3 * plane;
    for (int64_t i = 0; i < plane; ++i)
      for (int c = 0; c < 3; ++c) {
        const float u = float(im.rgb[size_t(i * 3 + c)]) / 255.0f;
        dst[c * plane + i] = u * 2.0f - 1.0f;
      }
  }
  return t;
}

Image latent_preview_cheap(const Tensor& latent, int b) {
  // Rows: latent channel; columns: R, G, B (A1111's SD 1.x coefficients).
  static const float k[4][3] = {{0.298f, 0.207f, 0.208f}, {0.187f, 0.286f, 0.173f}, {-0.158f, 0.189f, 0.264f}, {-0.184f, -0.271f, -0.473f}};
  if (latent.ndim() != 4 || latent.dim(1) != 4 || b < 0 || b >= latent.dim(0))
    fail("preview: expected a [B,4,h,w] latent, got {}", shape_str(latent.shape()));
  Image img;
  img.height = int(latent.dim(2));
  img.width = int(latent.dim(3));
  const int64_t plane = latent.dim(2) * latent.dim(3);
  const float* src = latent.f32() + int64_t(b) * 4 * plane;
  img.rgb.resize(size_t(plane) * 3);
  for (int64_t i = 0; i < plane; ++i)
    for (int c = 0; c < 3; ++c) {
      float v = 0;
      for (int l = 0; l < 4; ++l) v += src[l * plane + i] * k[l][c];
      img.rgb[size_t(i * 3 + c)] = unit_to_u8(v * 0.5f + 0.5f);
    }
  return img;
}

}  // namespace easel
