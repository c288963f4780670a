// What prompt features do to the picture, judged over 20 seeds each (A1111 batch seeds; 40 for the
// negative prompt) with the built-in model: a negative prompt naming a colour, (colour:1.5) vs
// (colour:0.6), prompt editing [red:blue:0.2] vs [red:blue:0.8], img2img strength, and seed
// determinism. Each comparison is paired by seed (img2img: the shape's colour read as the nearer of
// red and green); a feature passes when the mean moves the right way AND it moves the right way
// for at least 70 % of the seeds (so one lucky picture cannot carry it).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "builtin/builtin_model.h"

namespace easel::test {
namespace {

constexpr int kSeeds = 20;
constexpr double kMinShare = 0.7;

std::vector<double> metric(const std::vector<Image>& ims, const std::function<double(const Image&)>& f) {
  std::vector<double> out;
  for (auto& im : ims) out.push_back(f(im));
  return out;
}

// `more` should exceed `less` seed by seed.
void expect_moves(const char* what, const std::vector<double>& more, const std::vector<double>& less) {
  const double m1 = mean(more), m0 = mean(less), share = share_greater(more, less);
  std::printf("%-44s %.4f vs %.4f, right way for %2.0f%% of %zu seeds\n", what, m1, m0, 100 * share, more.size());
  EXPECT_GT(m1, m0) << what;
  EXPECT_GE(share, kMinShare) << what;
}

// The same over pictures: `f` of each picture in `more` should exceed its seed's in `less`. Both
// sets are appended to `sheet` (more first) for the contact sheet.
void expect_moves(const std::string& what, const std::vector<Image>& more, const std::vector<Image>& less,
                  const std::function<double(const Image&)>& f, std::vector<Image>& sheet) {
  expect_moves(what.c_str(), metric(more, f), metric(less, f));
  sheet.insert(sheet.end(), more.begin(), more.end());
  sheet.insert(sheet.end(), less.begin(), less.end());
}

// A negative prompt as users write one: the prompt leaves the colours to the model ("a circle": any
// shape colour, any background) and the negative names the colour to keep out. Judged on the seeds
// whose picture has the colour without the negative (at least 1 % of the pixels; a small shape is
// about 2.5 %): its share must drop for 70 % of them, and its mean share over all seeds must drop.
// (A prompt that asks for the colour it also negates, "a red circle" with negative "red", is a
// contradiction: CFG then extrapolates from "red" towards "red circle", which keeps the circle red.)
TEST(BuiltinSemantics, NegativePromptLowersTheColourItNames) {
  EASEL_REQUIRE_BUILTIN();
  constexpr int kNegSeeds = 40;  // a named colour is in about one picture in six
  constexpr double kPresent = 0.01;
  const auto& an = builtin_analyser();
  GenerationParams p = eval_params("a circle", 4000);
  auto plain = paint(p, kNegSeeds);
  std::vector<Image> sheet;
  for (const char* colour : {"red", "blue"}) {
    p.negative_prompt = colour;
    auto negated = paint(p, kNegSeeds);
    auto share = [&](const Image& im) { return an.colour_share(im, colour); };
    const auto before = metric(plain, share), after = metric(negated, share);
    std::vector<double> had, has;  // the seeds with the colour before the negative
    for (size_t i = 0; i < before.size(); ++i)
      if (before[i] >= kPresent) had.push_back(before[i]), has.push_back(after[i]);
    size_t present_after = 0;
    for (double a : after) present_after += a >= kPresent;
    std::printf("%s: in %zu of %d pictures without the negative, %zu with it; mean share %.4f -> %.4f\n", colour,
                had.size(), kNegSeeds, present_after, mean(before), mean(after));
    EXPECT_GE(had.size(), 5u) << colour << ": too few pictures with the colour to judge the negative prompt";
    expect_moves((std::string(colour) + " share where present: no negative > negative '" + colour + "'").c_str(), had,
                 has);
    EXPECT_LT(mean(after), mean(before)) << colour << " mean share";
    sheet.insert(sheet.end(), negated.begin(), negated.end());
  }
  sheet.insert(sheet.begin(), plain.begin(), plain.end());
  write_contact_sheet("builtin_negative", sheet, kNegSeeds);
}

TEST(BuiltinSemantics, EmphasisWeightMovesTheColour) {
  EASEL_REQUIRE_BUILTIN();
  const auto& an = builtin_analyser();
  std::vector<Image> sheet;
  for (const char* colour : {"red", "blue"}) {
    const std::string c = colour;
    auto strong = paint(eval_params("a (" + c + ":1.5) square on a gray background", 4100), kSeeds);
    auto weak = paint(eval_params("a (" + c + ":0.6) square on a gray background", 4100), kSeeds);
    expect_moves(c + " affinity: (" + c + ":1.5) > (" + c + ":0.6)", strong, weak,
                 [&](const Image& im) { return an.colour_affinity(im, c); }, sheet);
  }
  write_contact_sheet("builtin_emphasis", sheet, kSeeds);
}

TEST(BuiltinSemantics, PromptEditingSwitchesColourWhenAsked) {
  EASEL_REQUIRE_BUILTIN();
  const auto& an = builtin_analyser();
  auto early = paint(eval_params("a [red:blue:0.2] circle on a white background", 4200), kSeeds);
  auto late = paint(eval_params("a [red:blue:0.8] circle on a white background", 4200), kSeeds);
  std::vector<Image> sheet;
  expect_moves("blue-red: [red:blue:0.2] > [red:blue:0.8]", early, late,
               [&](const Image& im) { return an.colour_affinity(im, "blue") - an.colour_affinity(im, "red"); }, sheet);
  write_contact_sheet("builtin_prompt_editing", sheet, kSeeds);
}

TEST(BuiltinSemantics, Img2ImgStrength) {
  EASEL_REQUIRE_BUILTIN();
  const auto& v = builtin_vocabulary();
  const auto& an = builtin_analyser();
  const int n = builtin_model().native_size();
  // A red square as the training data draws it, on white.
  Image src = render_scene(n, v.colour("white"), {{ShapeSpec{"square", n / 2.f, n / 2.f, v.radius("large")}, v.colour("red")}});
  const std::string path = std::string(EASEL_BINARY_DIR) + "/builtin_img2img_red_square.png";
  write_png(path, src);
  GenerationParams p = eval_params("a green square on a white background", 4300);
  p.init_image = path;
  p.denoising_strength = 0.8;
  auto strong = paint(p, kSeeds);
  p.denoising_strength = 0.2;
  auto weak = paint(p, kSeeds);
  // "Turned green or stayed red": which of the two colours the shape's measured colour is nearer.
  auto nearer = [&](const Image& im) -> std::string {
    SceneAnalysis a = an.analyse(im);
    auto d = [&](const char* c) {
      const Rgb& k = v.colour(c);
      double s = 0;
      for (int i = 0; i < 3; ++i) s += (a.shape_rgb[size_t(i)] - k[size_t(i)]) * (a.shape_rgb[size_t(i)] - k[size_t(i)]);
      return s;
    };
    if (!a.found) return "none";
    return d("green") < d("red") ? "green" : "red";
  };
  int strong_green = 0, weak_red = 0;
  for (auto& im : strong) strong_green += nearer(im) == "green";
  for (auto& im : weak) weak_red += nearer(im) == "red";
  std::printf("img2img 'a green square' on a red square: strength 0.8 green %d/%d, strength 0.2 red %d/%d\n",
              strong_green, kSeeds, weak_red, kSeeds);
  EXPECT_GE(strong_green, int(kMinShare * kSeeds));
  EXPECT_GE(weak_red, int(kMinShare * kSeeds));
  auto g = [&](const Image& im) { return an.colour_share(im, "green") - an.colour_share(im, "red"); };
  std::vector<Image> sheet;
  expect_moves("green-red share: strength 0.8 > 0.2", strong, weak, g, sheet);
  sheet.push_back(src);
  write_contact_sheet("builtin_img2img", sheet, kSeeds);
}

TEST(BuiltinSemantics, SameSeedSameImageOtherSeedsDiffer) {
  EASEL_REQUIRE_BUILTIN();
  GenerationParams p = eval_params("two small yellow stars in the top left, black background", 4400);
  auto a = paint(p, kSeeds);
  auto b = paint(p, kSeeds);
  int same = 0, distinct_pairs = 0, pairs = 0;
  for (int i = 0; i < kSeeds; ++i) same += a[i].rgb == b[i].rgb;
  for (int i = 0; i < kSeeds; ++i)
    for (int j = i + 1; j < kSeeds; ++j) {
      size_t diff = 0;
      for (size_t k = 0; k < a[i].rgb.size(); ++k) diff += a[i].rgb[k] != a[j].rgb[k];
      ++pairs;
      distinct_pairs += diff > a[i].rgb.size() / 100;  // more than 1 % of the values differ
    }
  std::printf("same seed identical: %d/%d; different seeds differ: %d/%d pairs\n", same, kSeeds, distinct_pairs, pairs);
  EXPECT_EQ(same, kSeeds);
  EXPECT_EQ(distinct_pairs, pairs);
  // A batch of one gives the same picture as the same seed inside a batch of ten.
  p.seed = 4403;
  auto single = Generator(builtin_model()).generate(p);
  EXPECT_EQ(single.at(0).image.rgb, a[3].rgb);
}

}  // namespace
}  // namespace easel::test
