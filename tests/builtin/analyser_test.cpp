// The analyser itself, on pictures whose answer is known: random scenes drawn with the training
// data's geometry and palette (every shape, colour pair, named position, both sizes with the
// training jitter). If it misreads these it cannot judge the model.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

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

TEST(ShapeAnalyser, ReadsRandomTrainingStyleScenes) {
  const ShapeVocabulary& v = vocab();
  SceneAnalyser an(v);
  std::mt19937 rng(1234);
  auto pick = [&](size_t n) { return size_t(std::uniform_int_distribution<size_t>(0, n - 1)(rng)); };
  std::uniform_real_distribution<float> u(0, 1);
  const int trials = 600;
  int ok_bg = 0, ok_col = 0, ok_pos = 0, ok_kind = 0;
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
    SceneAnalysis a = an.analyse(render_scene(v.image_size, bg->rgb, {{s, col.rgb}}));
    ok_bg += a.background == bg->name;
    ok_col += a.shape_colour == col.name;
    ok_pos += a.position == pos_name;
    ok_kind += a.shape == shape;
    confusion[shape][a.shape]++;
    if (a.shape != shape || a.shape_colour != col.name || a.position != pos_name)
      ADD_FAILURE() << size_name << " " << col.name << " " << shape << " at " << pos_name << " on " << bg->name
                    << " read as " << a.shape_colour << " " << a.shape << " at " << a.position << " (fill "
                    << a.features.fill << ", spread " << a.features.spread << ", hole " << a.features.hole
                    << ", skew " << a.features.skew << ", bars " << a.features.bars << ")";
  }
  EXPECT_EQ(ok_bg, trials);
  EXPECT_EQ(ok_col, trials);
  EXPECT_EQ(ok_pos, trials);
  EXPECT_EQ(ok_kind, trials);
  for (auto& [s, row] : confusion) {
    std::string line;
    for (auto& [g, c] : row) line += " " + g + ":" + std::to_string(c);
    std::printf("  %-8s ->%s\n", s.c_str(), line.c_str());
  }
}

}  // namespace
}  // namespace easel::test
