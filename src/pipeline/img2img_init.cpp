// img2img init latent: image preparation and encoding.
#include "pipeline/img2img_init.h"

#include "core/error.h"
#include "pipeline/image_convert.h"
#include "pipeline/resize.h"

namespace easel {

Image img2img_prepare_image(const Image& im, int resize_mode, int width, int height) {
  if (resize_mode == 3) return im;
  return a1111_resize_image(resize_mode, im, width, height);
}

Tensor img2img_init_latent(SDModel& m, const Image& prepared, int resize_mode, int width, int height, int batch,
                           uint64_t seed, RandnSource source) {
  const int f = m.latent_factor();
  if (prepared.width % f || prepared.height % f)
    fail("init image: {}x{} is not a multiple of {} (latent upscale encodes the image at its own size)", prepared.width,
         prepared.height, f);
  Tensor x = images_to_tensor({&prepared});
  auto gen = make_generator(source, seed);
  std::vector<Tensor> lat;
  // webui encodes each image of the batch separately; they are the same image, so the encoder
  // runs once and only the posterior samples differ.
  VaeLatentDist d = m.encode(x);
  for (int b = 0; b < batch; ++b) {
    Tensor noise = gen->randn(d.mean.shape());
    Tensor z = d.sample(noise);
    const float s = m.scale_factor();
    for (float& v : z.span_f32()) v = s * v;
    lat.push_back(z);
  }
  const Shape one = lat[0].shape();
  Tensor out = Tensor::empty({int64_t(batch), one[1], one[2], one[3]});
  const int64_t per = lat[0].numel();
  for (int b = 0; b < batch; ++b) std::copy(lat[size_t(b)].f32(), lat[size_t(b)].f32() + per, out.f32() + b * per);
  if (resize_mode == 3) out = bilinear_resize(out, height / f, width / f);
  return out;
}

}  // namespace easel
