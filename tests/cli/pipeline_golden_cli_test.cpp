// `easel txt2img --rng cpu` against the A1111-semantics goldens for every model file layout:
// per-step and final latents (via --save-latents) within rel 2e-4 and the written PNG within
// one level of the golden image at every pixel.
#include <gtest/gtest.h>

#include "io/image.h"
#include "io/safetensors.h"
#include "pipeline/golden_sets.h"
#include "pipeline_cli_util.h"

namespace easel::test {
namespace {

TEST(PipelineCli, Txt2ImgGoldensEveryLayout) {
  auto sets = e2e_sets();
  ASSERT_FALSE(sets.empty()) << "no txt2img_a1111_* goldens under " << oracle_dir();
  int idx = 0;
  for (auto& set : sets)
    for (auto& layout : set.layouts) {
      int pass = 0;
      for (auto& g : set.goldens) {
        const auto& m = g.meta;
        auto dir = temp_dir("cli-golden-" + std::to_string(idx++));
        RunResult r = run_easel({"txt2img", "-m", layout.path.string(), "--tokenizer", set.tokenizer.string(), "-p",
                                 m.at("prompt").get<std::string>(), "-n", m.at("negative_prompt").get<std::string>(),
                                 "--seed", std::to_string(m.at("seed").get<int64_t>()), "--steps",
                                 std::to_string(m.at("steps").get<int>()), "--cfg-scale",
                                 std::to_string(m.at("cfg_scale").get<double>()), "-W", std::to_string(m.at("width").get<int>()),
                                 "-H", std::to_string(m.at("height").get<int>()), "--clip-skip",
                                 std::to_string(m.value("clip_skip", 1)), "--sampler", g.sampler, "--scheduler", g.scheduler,
                                 "--rng", "cpu", "-o", (dir / "out").string(), "--save-latents", (dir / "lat").string(), "-q"},
                                dir);
        ASSERT_EQ(r.code, 0) << g.name << " " << layout.label << ": " << r.err;
        auto pngs = files_in(dir / "out");
        ASSERT_EQ(pngs.size(), 1u) << r.out;
        EXPECT_EQ(pngs[0].filename().string(), "00000-" + std::to_string(m.at("seed").get<int64_t>()) + ".png");
        Image img = read_image(pngs[0].string());
        TensorStore want = load_golden_tensors(g);
        TensorStore lat = load_safetensors((dir / "lat" / pngs[0].filename()).replace_extension(".safetensors").string());
        double worst_step = 0;
        int steps_seen = 0;
        for (auto& [name, t] : lat.tensors) {
          if (name.rfind("step", 0) != 0) continue;
          ++steps_seen;
          ASSERT_TRUE(want.has(name)) << name;
          Tensor w = want.at(name).to_f32(), got = t.to_f32();
          worst_step = std::max(worst_step, rel_err(got.f32(), w.f32(), size_t(w.numel())));
        }
        EXPECT_EQ(steps_seen, m.at("steps").get<int>());
        Tensor wf = want.at("final_latent").to_f32(), gf = lat.at("final_latent").to_f32();
        const double fin = rel_err(gf.f32(), wf.f32(), size_t(wf.numel()));
        Tensor wi = want.at("image_uint8_hwc").to_f32();
        ASSERT_EQ(img.rgb.size(), size_t(wi.numel()));
        int max_px = 0, differ = 0;
        for (size_t k = 0; k < img.rgb.size(); ++k) {
          int d = std::abs(int(img.rgb[k]) - int(wi.f32()[k]));
          max_px = std::max(max_px, d);
          differ += d != 0;
        }
        const bool ok = worst_step <= 2e-4 && fin <= 2e-4 && max_px <= 1;
        EXPECT_TRUE(ok) << g.name << " " << layout.label << ": steps rel " << worst_step << " final rel " << fin
                        << " max pixel diff " << max_px;
        // The PNG carries A1111's infotext for this run.
        ASSERT_TRUE(img.text.count("parameters"));
        EXPECT_NE(img.text["parameters"].find("Seed: " + std::to_string(m.at("seed").get<int64_t>())), std::string::npos);
        EXPECT_NE(img.text["parameters"].find("RNG: CPU"), std::string::npos);
        pass += ok;
        std::printf("[cli %s] %-32s steps rel %.3g  final rel %.3g  max pixel diff %d (%d of %zu differ)  %s\n",
                    layout.label.c_str(), g.name.c_str(), worst_step, fin, max_px, differ, img.rgb.size(), ok ? "ok" : "FAIL");
      }
      std::printf("[cli %s] %d/%zu goldens pass\n", layout.label.c_str(), pass, set.goldens.size());
    }
}

}  // namespace
}  // namespace easel::test
