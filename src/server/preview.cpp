// latent_preview: one matrix-vector product per latent pixel; cheap enough for every step.
#include "server/preview.h"

#include <algorithm>
#include <cmath>

namespace easel::server {

Image latent_preview(const Tensor& latent, int index) {
  Image img;
  if (!latent.defined() || latent.shape().size() != 4) return img;
  Tensor f = latent.dtype() == DType::F32 ? latent : latent.to_f32();
  const int64_t b = f.shape()[0], c = f.shape()[1], h = f.shape()[2], w = f.shape()[3];
  if (index < 0 || index >= b) return img;
  const float* x = f.f32() + index * c * h * w;
  // A1111 sd_samplers_common cheap_approximation (SD 1.x/2.x latent space).
  static constexpr float kCoef[4][3] = {
      {0.298f, 0.207f, 0.208f}, {0.187f, 0.286f, 0.173f}, {-0.158f, 0.189f, 0.264f}, {-0.184f, -0.271f, -0.473f}};
  img.width = int(w);
  img.height = int(h);
  img.rgb.resize(size_t(w * h * 3));
  const int64_t plane = h * w;
  for (int64_t i = 0; i < plane; ++i) {
    float rgb[3] = {0, 0, 0};
    if (c == 4) {
      for (int k = 0; k < 4; ++k)
        for (int j = 0; j < 3; ++j) rgb[j] += x[k * plane + i] * kCoef[k][j];
    } else {
      rgb[0] = rgb[1] = rgb[2] = x[i] * 0.25f;
    }
    for (int j = 0; j < 3; ++j) {
      const float v = std::clamp((rgb[j] + 1.0f) * 0.5f, 0.0f, 1.0f);
      img.rgb[size_t(i * 3 + j)] = uint8_t(std::lround(v * 255.0f));
    }
  }
  return img;
}

}  // namespace easel::server
