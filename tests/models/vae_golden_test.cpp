// VAE decode and encode against the diffusers goldens (vae*.json): decoded image from both
// latent scalings, encoder mean/logvar/std and the sample with the stored noise, on each backend
// and file layout. Tolerances: see clip_golden_test.cpp.
#include <gtest/gtest.h>

#include <cstdio>

#include "backend/backend.h"
#include "core/error.h"
#include "golden_support.h"
#include "io/safetensors.h"
#include "models/vae/vae.h"

using namespace easel;
using namespace easel::test;

TEST(VaeGolden, DecodeEncode) {
  auto sets = golden_sets();
  ASSERT_FALSE(sets.empty()) << "no oracle model sets under " << oracle_dir();
  int files = 0;
  for (auto& set : sets) {
    for (auto& jf : golden_files(set, "vae")) {
      ++files;
      TensorStore g = load_safetensors(std::filesystem::path(jf).replace_extension(".safetensors"));
      auto layouts = layout_stores(set);
      EXPECT_FALSE(layouts.empty()) << "no model file in " << set.dir;
      for (auto& layout : layouts) {
        const VAEConfig cfg = vae_config(layout);
        for (auto& bname : golden_backends()) {
          auto be = make_backend(bname);
          const std::string tag = set.model + "/" + jf.filename().string() + "/" + layout.label + "/" + bname;
          const TensorStore& w = layout.components.at("vae");
          int pass = 0, total = 0;
          VaeDecoder dec(*be, w, cfg);
          const std::pair<const char*, const char*> decode_cases[] = {
              {"decode.latent_unscaled", "decode.image"}, {"decode.latent_unscaled_a1111", "decode.image_a1111"}};
          for (auto& [in, out] : decode_cases) {
            if (!g.has(in) || !g.has(out)) continue;
            ++total;
            pass += check_close(tag, out, dec.decode(g.at(in).to_f32()), g.at(out));
          }
          if (g.has("encode.image")) {
            VaeEncoder enc(*be, w, cfg);
            VaeLatentDist d = enc.encode(g.at("encode.image").to_f32());
            total += 3;
            pass += check_close(tag, "encode.mean", d.mean, g.at("encode.mean"));
            pass += check_close(tag, "encode.logvar", d.logvar, g.at("encode.logvar"));
            pass += check_close(tag, "encode.std", d.std, g.at("encode.std"));
            if (g.has("encode.noise") && g.has("encode.sample")) {
              ++total;
              pass += check_close(tag, "encode.sample", d.sample(g.at("encode.noise").to_f32()), g.at("encode.sample"));
            }
            std::printf("[%s] encode arena %.2f MiB\n", tag.c_str(), enc.arena_bytes() / 1048576.0);
          }
          std::printf("[%s] %d/%d outputs pass; decode arena %.2f MiB\n", tag.c_str(), pass, total,
                      dec.arena_bytes() / 1048576.0);
        }
      }
    }
  }
  EXPECT_GT(files, 0) << "no vae golden files";
}

TEST(VaeGolden, BadInputsFailClearly) {
  auto sets = golden_sets();
  if (sets.empty()) GTEST_SKIP() << "no oracle";
  auto layouts = layout_stores(sets[0]);
  ASSERT_FALSE(layouts.empty());
  auto be = make_backend("ref");
  const VAEConfig cfg = vae_config(layouts[0]);
  VaeDecoder dec(*be, layouts[0].components.at("vae"), cfg);
  EXPECT_THROW(dec.decode(Tensor::zeros({1, cfg.embed_dim + 1, 4, 4})), Error);
  VaeEncoder enc(*be, layouts[0].components.at("vae"), cfg);
  EXPECT_THROW(enc.encode(Tensor::zeros({1, 3, 60, 64})), Error);
  EXPECT_THROW(enc.encode(Tensor::zeros({1, 4, 64, 64})), Error);
}
