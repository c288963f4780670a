// The analyser itself, on pictures whose answer is known: random scenes drawn with the training
// data's geometry and palette (every shape, colour pair, named position, both sizes with the
// training jitter), as rendered and as the built-in VAE gives them back. If it misreads these it
// cannot judge the model.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "builtin/builtin_model.h"
#include "builtin/shape_analyser.h"

namespace easel::test {
namespace {

const ShapeVocabulary& vocab() {
  static ShapeVocabulary v = load_vocabulary(default_eval_set_path());
  return v;
}

TEST(ShapeAnalyser, FeaturesOfIdealMasks) {
  const int n = 128;
  auto mask_of = [&](const std::string& shape, float r) {
    Image im = render_scene(n, {0, 0, 0}, {{ShapeSpec{shape, 64, 64, r}, {255, 255, 255}}});
    std::vector<uint8_t> m(size_t(n) * n);
    for (size_t i = 0; i < m.size(); ++i) m[i] = im.rgb[3 * i] >= 128;
    return SceneAnalyser::features_of(m, n, n);
  };
  auto disc = mask_of("circle", 30);
  EXPECT_NEAR(disc.fill, M_PI / 4, 0.02);
  EXPECT_NEAR(disc.spread, 1.0, 0.02);  // a disc's normalised second moment is 1/(2 pi)
  EXPECT_EQ(disc.hole, 0.f);
  EXPECT_NEAR(disc.skew, 0.0, 0.02);
  auto sq = mask_of("square", 30);
  EXPECT_NEAR(sq.fill, 1.0, 0.02);
  EXPECT_NEAR(sq.spread, M_PI / 3, 0.02);  // 1/6 * 2 pi
  auto ring = mask_of("ring", 30);
  EXPECT_GT(ring.hole, 0.99);
  EXPECT_NEAR(ring.spread, (1 + 0.58 * 0.58) / (1 - 0.58 * 0.58), 0.05);
  auto tri = mask_of("triangle", 30);
  EXPECT_NEAR(tri.fill, 0.5, 0.03);
  EXPECT_NEAR(tri.skew, 1.0 / 6, 0.02);  // centroid a third of the way up from the base
  EXPECT_NEAR(tri.bars, 0.5, 0.05);        // the middle row is half the base
  EXPECT_EQ(mask_of("cross", 30).bars, 1.f);
  EXPECT_LT(mask_of("star", 30).bars, 0.85f);
}

TEST(ShapeAnalyser, BlankPictureHasNoShape) {
  SceneAnalyser an(vocab());
  Image im = render_scene(128, vocab().colour("blue"), {});
  SceneAnalysis a = an.analyse(im);
  EXPECT_EQ(a.background, "blue");
  EXPECT_FALSE(a.found);
  EXPECT_NEAR(an.colour_share(im, "blue"), 1.0, 1e-12);
  EXPECT_NEAR(an.colour_share(im, "red"), 0.0, 1e-12);
  EXPECT_NEAR(an.colour_affinity(im, "blue"), 1.0, 1e-12);
}

// Random single-shape scenes as the training data draws them, optionally passed through `drawn`,
// read by `an`; returns how many of `trials` each attribute got right and prints the confusion.
struct Readings {
  int bg = 0, col = 0, pos = 0, kind = 0;
};
Readings read_random_scenes(const SceneAnalyser& an, const SceneAnalyser::Drawn& drawn, int trials, unsigned seed,
                            bool report_each) {
  const ShapeVocabulary& v = vocab();
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return size_t(std::uniform_int_distribution<size_t>(0, n - 1)(rng)); };
  std::uniform_real_distribution<float> u(0, 1);
  Readings ok;
  std::map<std::string, std::map<std::string, int>> confusion;
  for (int t = 0; t < trials; ++t) {
    const auto& col = v.colours[pick(v.colours.size())];
    const NamedColour* bg;
    do bg = &v.colours[pick(v.colours.size())];
    while (bg->name == col.name);
    const std::string shape = v.shapes[pick(v.shapes.size())];
    const auto& [pos_name, pos] = v.positions[pick(v.positions.size())];
    const auto& [size_name, radius] = v.sizes[pick(v.sizes.size())];
    ShapeSpec s{shape, pos[0] * v.image_size + (u(rng) * 8 - 4), pos[1] * v.image_size + (u(rng) * 8 - 4),
                radius * (0.9f + 0.2f * u(rng))};
    Image im = render_scene(v.image_size, bg->rgb, {{s, col.rgb}});
    SceneAnalysis a = an.analyse(drawn ? drawn(im) : im);
    ok.bg += a.background == bg->name;
    ok.col += a.shape_colour == col.name;
    ok.pos += a.position == pos_name;
    ok.kind += a.shape == shape;
    confusion[shape][a.shape]++;
    if (report_each && (a.shape != shape || a.shape_colour != col.name || a.position != pos_name))
      std::printf("  %s %s %s at %s on %s read as %s %s at %s (fill %.3f, spread %.3f, hole %.2f, skew %.3f, bars %.3f)\n",
                  size_name.c_str(), col.name.c_str(), shape.c_str(), pos_name.c_str(), bg->name.c_str(),
                  a.shape_colour.c_str(), a.shape.c_str(), a.position.c_str(), a.features.fill, a.features.spread,
                  a.features.hole, a.features.skew, a.features.bars);
  }
  for (auto& [s, row] : confusion) {
    std::string line;
    for (auto& [g, c] : row) line += " " + g + ":" + std::to_string(c);
    std::printf("  %-8s ->%s\n", s.c_str(), line.c_str());
  }
  std::printf("  of %d: background %d, shape colour %d, position %d, shape %d\n", trials, ok.bg, ok.col, ok.pos, ok.kind);
  return ok;
}

TEST(ShapeAnalyser, ReadsRandomTrainingStyleScenes) {
  const int trials = 600;
  Readings ok = read_random_scenes(SceneAnalyser(vocab()), {}, trials, 1234, true);
  EXPECT_EQ(ok.bg, trials);
  EXPECT_EQ(ok.col, trials);
  EXPECT_EQ(ok.pos, trials);
  EXPECT_EQ(ok.kind, trials);
}

// The same scenes drawn as sharp as the model can draw them (the built-in VAE's round trip), read
// by the analyser the model tests use. The model's scores are judged by this analyser, so it must
// read what a perfect denoiser would produce; and it must still read the ideal pictures.
TEST(ShapeAnalyser, ReadsTheBuiltinVaeRoundTrip) {
  EASEL_REQUIRE_BUILTIN();
  const SceneAnalyser& an = builtin_analyser();
  const int trials = 200;
  Readings drawn = read_random_scenes(an, vae_round_trip, trials, 4321, true);
  EXPECT_GE(drawn.bg, trials * 99 / 100);
  EXPECT_GE(drawn.col, trials * 99 / 100);
  EXPECT_GE(drawn.pos, trials * 99 / 100);
  // Small stars come back from the VAE as near-discs (fill ~0.7, spread ~1.03): the kind ceiling
  // is below 100 %; it must stay clear of the 80 % the model is held to.
  EXPECT_GE(drawn.kind, trials * 85 / 100);
  Readings ideal = read_random_scenes(an, {}, 600, 1234, true);
  EXPECT_EQ(ideal.kind, 600);
  EXPECT_EQ(ideal.col, 600);
}

}  // namespace
}  // namespace easel::test
