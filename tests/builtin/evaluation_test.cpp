// The built-in model's evaluation (issue 7): every entry of models/easel-shapes/eval_set.json
// painted with its seed (Euler a, 20 steps, CFG 7, 128x128) and read back by the analyser.
// Thresholds: shape colour and background colour >= 90 %, shape kind and position >= 80 %, on the
// regular entries and, separately, on the held-out combinations never shown in training.
// Writes build/builtin_eval.json (per-entry readings) and build/builtin_eval.png (all pictures).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "builtin/builtin_model.h"

namespace easel::test {
namespace {

struct Tally {
  int n = 0, colour = 0, background = 0, shape = 0, position = 0;
  double pct(int k) const { return n ? 100.0 * k / n : 0; }
};

TEST(BuiltinModel, EvaluationSet) {
  EASEL_REQUIRE_BUILTIN();
  const ShapeVocabulary& v = builtin_vocabulary();
  const SceneAnalyser& an = builtin_analyser();
  ASSERT_GE(v.entries.size(), 100u) << "the evaluation needs at least 100 prompts";
  Tally t[2];
  std::vector<Image> images;
  nlohmann::json report = nlohmann::json::array();
  Generator gen(builtin_model());
  const auto t0 = std::chrono::steady_clock::now();
  for (const EvalEntry& e : v.entries) {
    auto out = gen.generate(eval_params(e.prompt, e.seed));
    ASSERT_EQ(out.size(), 1u);
    SceneAnalysis a = an.analyse(out[0].image);
    Tally& k = t[e.held_out];
    ++k.n;
    k.colour += a.shape_colour == e.shape_colour;
    k.background += a.background == e.background_colour;
    k.shape += a.shape == e.shape;
    k.position += a.position == e.position;
    report.push_back({{"prompt", e.prompt}, {"seed", e.seed}, {"held_out", e.held_out},
                      {"got", {{"shape_colour", a.shape_colour}, {"background_colour", a.background},
                               {"shape", a.shape}, {"position", a.position}, {"found", a.found}}},
                      {"features", {{"fill", a.features.fill}, {"spread", a.features.spread},
                                    {"hole", a.features.hole}, {"skew", a.features.skew}, {"bars", a.features.bars}}}});
    images.push_back(std::move(out[0].image));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ofstream(std::string(EASEL_BINARY_DIR) + "/builtin_eval.json") << report.dump(1);
  write_contact_sheet("builtin_eval", images, 12);
  for (int h = 0; h < 2; ++h) {
    const Tally& k = t[h];
    std::printf("%-9s n=%3d  shape colour %5.1f%%  background %5.1f%%  shape %5.1f%%  position %5.1f%%\n",
                h ? "held-out" : "regular", k.n, k.pct(k.colour), k.pct(k.background), k.pct(k.shape),
                k.pct(k.position));
    const char* set = h ? "held-out" : "regular";
    EXPECT_GE(k.pct(k.colour), 90.0) << set << " shape colour";
    EXPECT_GE(k.pct(k.background), 90.0) << set << " background colour";
    EXPECT_GE(k.pct(k.shape), 80.0) << set << " shape kind";
    EXPECT_GE(k.pct(k.position), 80.0) << set << " position";
  }
  std::printf("%zu images in %.1f s (%.2f s each, in-process)\n", v.entries.size(), secs, secs / v.entries.size());
}

}  // namespace
}  // namespace easel::test
