// End-to-end txt2img through the library against the A1111-semantics goldens, for every model
// file layout: the schedule, the latent entering every step, the final latent (rel 2e-4 of
// max|golden|) and the 8-bit image (within 1 level everywhere).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "golden_sets.h"
#include "pipeline/generate.h"

namespace easel::test {
namespace {

constexpr double kLatentRel = 2e-4;

GenerationParams golden_params(const E2EGolden& g) {
  const auto& m = g.meta;
  GenerationParams p;
  p.prompt = m.at("prompt");
  p.negative_prompt = m.at("negative_prompt");
  p.seed = m.at("seed");
  p.steps = m.at("steps");
  p.cfg_scale = m.at("cfg_scale");
  p.width = m.at("width");
  p.height = m.at("height");
  p.clip_skip = m.value("clip_skip", 1);
  p.sampler = g.sampler;
  p.scheduler = g.scheduler;
  p.rng = "CPU";  // the goldens drew from torch's CPU generator
  return p;
}

TEST(Txt2ImgGolden, EveryLayoutEveryGolden) {
  auto sets = e2e_sets();
  ASSERT_FALSE(sets.empty()) << "no txt2img_a1111_* goldens under " << oracle_dir();
  for (auto& set : sets) {
    ASSERT_FALSE(set.layouts.empty()) << set.dir;
    for (auto& layout : set.layouts) {
      ModelLoadOptions lo;
      lo.tokenizer_dir = set.tokenizer.string();
      std::unique_ptr<SDModel> model;
      ASSERT_NO_THROW(model = SDModel::load(layout.path.string(), lo)) << layout.path;
      int pass = 0;
      for (auto& g : set.goldens) {
        TensorStore want = load_golden_tensors(g);
        GenerationParams p = golden_params(g);
        std::vector<Tensor> xs;
        GenerateCallbacks cb;
        cb.on_step = [&](const StepEvent& e) { xs.push_back(e.x.clone()); };
        Generator gen(*model);
        auto t0 = std::chrono::steady_clock::now();
        auto out = gen.generate(p, cb);
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        ASSERT_EQ(out.size(), 1u);
        bool ok = true;
        // Per-step latents.
        double worst_step = 0;
        std::string per_step;
        EXPECT_EQ(int(xs.size()), p.steps) << g.name;
        for (size_t i = 0; i < xs.size(); ++i) {
          const std::string key = "step" + std::to_string(i) + ".x_in";
          if (!want.has(key)) continue;
          Tensor w = want.at(key).to_f32();
          ASSERT_EQ(w.numel(), xs[i].numel()) << key;
          const double e = rel_err(xs[i].f32(), w.f32(), size_t(w.numel()));
          worst_step = std::max(worst_step, e);
          per_step += fmt::format(" {:.3g}", e);
        }
        Tensor wf = want.at("final_latent").to_f32();
        const double fin = rel_err(out[0].latent.f32(), wf.f32(), size_t(wf.numel()));
        // Image.
        Tensor wi = want.at("image_uint8_hwc").to_f32();
        const auto& rgb = out[0].image.rgb;
        ASSERT_EQ(rgb.size(), size_t(wi.numel()));
        int max_px = 0, differ = 0;
        for (size_t k = 0; k < rgb.size(); ++k) {
          int d = std::abs(int(rgb[k]) - int(wi.f32()[k]));
          max_px = std::max(max_px, d);
          differ += d != 0;
        }
        EXPECT_LE(worst_step, kLatentRel) << g.name << " " << layout.label;
        EXPECT_LE(fin, kLatentRel) << g.name << " " << layout.label;
        EXPECT_LE(max_px, 1) << g.name << " " << layout.label;
        ok = worst_step <= kLatentRel && fin <= kLatentRel && max_px <= 1;
        pass += ok;
        std::printf("[txt2img %s] %-32s steps rel %.3g  final rel %.3g  max pixel diff %d (%d of %zu differ)  %.0f ms  %s\n",
                    layout.label.c_str(), g.name.c_str(), worst_step, fin, max_px, differ, rgb.size(), ms, ok ? "ok" : "FAIL");
        std::printf("[txt2img %s] %-32s per-step rel:%s\n", layout.label.c_str(), g.name.c_str(), per_step.c_str());
      }
      std::printf("[txt2img %s] %s: %d/%zu goldens pass\n", layout.label.c_str(), layout.path.filename().c_str(), pass,
                  set.goldens.size());
    }
  }
}

}  // namespace
}  // namespace easel::test
