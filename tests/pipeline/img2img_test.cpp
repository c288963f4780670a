// img2img pieces: A1111's step rule, the image -> encoder input -> scaled posterior sample path
// against the VAE golden (and decode -> 8-bit), PIL-style resizing and the four resize modes'
// geometry, torch bilinear latent resizing, and an img2img run through the generator.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "golden_sets.h"
#include "io/image.h"
#include "pipeline/generate.h"
#include "pipeline/image_convert.h"
#include "pipeline/img2img_init.h"
#include "pipeline/resize.h"
#include "pipeline/sampling_job.h"

namespace easel::test {
namespace {

TEST(Img2Img, StepRule) {
  EXPECT_EQ(img2img_steps(20, 0.75, false), std::make_pair(20, 15));
  EXPECT_EQ(img2img_steps(20, 1.0, false), std::make_pair(20, 19));  // min(strength, 0.999)
  EXPECT_EQ(img2img_steps(30, 0.3, false), std::make_pair(30, 9));   // int(0.3 * 30) = int(8.999...)
  EXPECT_EQ(img2img_steps(20, 0.5, true), std::make_pair(40, 19));   // img2img_fix_steps
  EXPECT_EQ(img2img_steps(20, 0.0, true), std::make_pair(0, 19));
}

Image solid(int w, int h, std::function<std::array<uint8_t, 3>(int, int)> f) {
  Image im;
  im.width = w;
  im.height = h;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      auto c = f(x, y);
      im.rgb.insert(im.rgb.end(), c.begin(), c.end());
    }
  return im;
}

TEST(Img2Img, ResizeModes) {
  Image grad = solid(128, 64, [](int x, int y) { return std::array<uint8_t, 3>{uint8_t(x * 2), uint8_t(y * 4), 77}; });
  EXPECT_EQ(pil_resize(grad, 128, 64, ResampleFilter::Lanczos).rgb, grad.rgb);  // same size: a copy
  Image flat = solid(100, 60, [](int, int) { return std::array<uint8_t, 3>{200, 10, 255}; });
  Image r = pil_resize(flat, 64, 48, ResampleFilter::Lanczos);
  for (size_t i = 0; i < r.rgb.size(); i += 3) ASSERT_EQ((std::array<int, 3>{r.rgb[i], r.rgb[i + 1], r.rgb[i + 2]}), (std::array<int, 3>{200, 10, 255}));
  // Crop and resize: a 2:1 image into a square keeps the centre at full height.
  Image crop = a1111_resize_image(1, grad, 64, 64);
  ASSERT_EQ(crop.width, 64);
  Image ref = pil_resize(grad, 128, 64, ResampleFilter::Lanczos);
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x)
      for (int c = 0; c < 3; ++c) ASSERT_EQ(crop.rgb[size_t((y * 64 + x) * 3 + c)], ref.rgb[size_t((y * 128 + x + 32) * 3 + c)]);
  // Resize and fill: the image fits the width, the bands above and below are filled from its edges.
  Image fill = a1111_resize_image(2, grad, 64, 64);
  Image small = pil_resize(grad, 64, 32, ResampleFilter::Lanczos);
  for (int x = 0; x < 64; ++x) {
    EXPECT_EQ(fill.rgb[size_t((16 * 64 + x) * 3)], small.rgb[size_t(x * 3)]);        // pasted at row 16
    EXPECT_NEAR(fill.rgb[size_t(x * 3 + 1)], small.rgb[size_t(x * 3 + 1)], 4);       // top band ~ first row
    EXPECT_NEAR(fill.rgb[size_t((63 * 64 + x) * 3 + 1)], small.rgb[size_t((31 * 64 + x) * 3 + 1)], 4);
  }
  // Just resize distorts to the target size.
  Image just = a1111_resize_image(0, grad, 64, 64);
  EXPECT_EQ(just.width, 64);
  EXPECT_EQ(just.height, 64);
}

TEST(Img2Img, BilinearLatentResize) {
  Tensor x = Tensor::empty({1, 1, 4, 4});
  for (int i = 0; i < 16; ++i) x.f32()[i] = float(i * i);
  Tensor y = bilinear_resize(x, 2, 2);  // align_corners=False halving averages 2x2 blocks
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c) {
      const float* p = x.f32();
      float want = 0.5f * (0.5f * p[(2 * r) * 4 + 2 * c] + 0.5f * p[(2 * r) * 4 + 2 * c + 1]) +
                   0.5f * (0.5f * p[(2 * r + 1) * 4 + 2 * c] + 0.5f * p[(2 * r + 1) * 4 + 2 * c + 1]);
      EXPECT_FLOAT_EQ(y.f32()[r * 2 + c], want);
    }
  Tensor up = bilinear_resize(x, 8, 8);
  EXPECT_FLOAT_EQ(up.f32()[0], x.f32()[0]);  // clamped at the border
}

TEST(Img2Img, EncodeDecodeAgainstVaeGolden) {
  auto sets = e2e_sets();
  ASSERT_FALSE(sets.empty());
  int checked = 0;
  for (auto& set : sets) {
    const auto vae_json = set.dir / "golden" / "vae.json";
    if (!std::filesystem::exists(vae_json)) continue;
    TensorStore g = load_safetensors((set.dir / "golden" / "vae.safetensors").string());
    Image input = read_image((set.dir / "golden" / "vae_encode_input.png").string());
    Tensor x = images_to_tensor({&input});
    Tensor wx = g.at("encode.image").to_f32();
    EXPECT_EQ(rel_err(x.f32(), wx.f32(), size_t(wx.numel())), 0.0) << "encoder input";
    for (auto& layout : set.layouts) {
      ModelLoadOptions lo;
      lo.tokenizer_dir = set.tokenizer.string();
      auto m = SDModel::load(layout.path.string(), lo);
      VaeLatentDist d = m->encode(x);
      Tensor z = d.sample(g.at("encode.noise").to_f32());
      for (float& v : z.span_f32()) v = m->scale_factor() * v;
      Tensor wz = g.at("encode.sample_scaled").to_f32(), wm = g.at("encode.mean").to_f32();
      const double rm = rel_err(d.mean.f32(), wm.f32(), size_t(wm.numel())), rz = rel_err(z.f32(), wz.f32(), size_t(wz.numel()));
      EXPECT_LE(rm, 1e-4);
      EXPECT_LE(rz, 1e-4);
      Tensor dec = m->decode(g.at("decode.latent").to_f32());
      Tensor wd = g.at("decode.image_a1111").to_f32();
      const double rd = rel_err(dec.f32(), wd.f32(), size_t(wd.numel()));
      EXPECT_LE(rd, 1e-4);
      Image im = decoded_to_image(dec, 0);
      Tensor wi = g.at("decode.image_uint8_hwc").to_f32();
      int max_px = 0;
      for (size_t k = 0; k < im.rgb.size(); ++k) max_px = std::max(max_px, std::abs(int(im.rgb[k]) - int(wi.f32()[k])));
      EXPECT_LE(max_px, 1);
      std::printf("[img2img vae %s] mean rel %.3g  scaled sample rel %.3g  decode rel %.3g  decode max pixel diff %d\n",
                  layout.label.c_str(), rm, rz, rd, max_px);
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(Img2Img, GeneratorRunsEveryResizeMode) {
  auto sets = e2e_sets();
  ASSERT_FALSE(sets.empty());
  auto& set = sets[0];
  ModelLoadOptions lo;
  lo.tokenizer_dir = set.tokenizer.string();
  auto m = SDModel::load(set.layouts[0].path.string(), lo);
  auto dir = temp_dir("img2img-gen");
  // A 128x64 input so that every mode has something to do for a 64x64 target.
  Image src = solid(128, 64, [](int x, int y) { return std::array<uint8_t, 3>{uint8_t(x * 2), uint8_t(y * 3), uint8_t(x + y)}; });
  write_png((dir / "in.png").string(), src);
  for (int mode = 0; mode < 4; ++mode) {
    GenerationParams p;
    p.prompt = "a cat";
    p.steps = 10;
    p.sampler = "Euler";
    p.width = p.height = 64;
    p.seed = 7;
    p.init_image = (dir / "in.png").string();
    p.denoising_strength = 0.5;
    p.resize_mode = mode;
    int callbacks = 0;
    GenerateCallbacks cb;
    cb.on_step = [&](const StepEvent& e) {
      ++callbacks;
      EXPECT_EQ(e.total, 6);  // t_enc + 1 = int(0.5 * 10) + 1
    };
    Generator gen(*m);
    if (mode == 3) {  // latent upscale encodes the 128x64 image as is, then resizes the latent
      auto out = gen.generate(p, cb);
      ASSERT_EQ(out.size(), 1u);
    } else {
      auto out = gen.generate(p, cb);
      ASSERT_EQ(out.size(), 1u);
      EXPECT_EQ(out[0].image.width, 64);
      EXPECT_NE(out[0].infotext.find("Denoising strength: 0.5"), std::string::npos) << out[0].infotext;
    }
    EXPECT_EQ(callbacks, 6) << "mode " << mode;
  }
  // Lower strength keeps more of the picture (the random model is no denoiser, so only the
  // ordering is meaningful): compare with a VAE round trip of the input.
  Tensor x = images_to_tensor({&src});
  VaeLatentDist d = m->encode(x);
  Tensor z = d.mean.clone();
  for (float& v : z.span_f32()) v *= m->scale_factor();
  Image rt = decoded_to_image(m->decode(z), 0);
  auto mad_at = [&](double strength) {
    GenerationParams p;
    p.prompt = "a cat";
    p.steps = 10;
    p.sampler = "Euler";
    p.width = 128;
    p.height = 64;
    p.seed = 1;
    p.init_image = (dir / "in.png").string();
    p.denoising_strength = strength;
    auto out = Generator(*m).generate(p);
    double mad = 0;
    for (size_t k = 0; k < rt.rgb.size(); ++k) mad += std::abs(int(rt.rgb[k]) - int(out[0].image.rgb[k]));
    return mad / double(rt.rgb.size());
  };
  const double lo_s = mad_at(0.05), hi_s = mad_at(0.9);
  std::printf("[img2img] mean |output - VAE round trip|: strength 0.05 %.2f levels, strength 0.9 %.2f levels\n", lo_s, hi_s);
  EXPECT_LT(lo_s, hi_s);
}

}  // namespace
}  // namespace easel::test
