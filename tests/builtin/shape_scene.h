// The vocabulary of the built-in easel-shapes model as the tests see it: colour, position, shape
// and size tables read from models/easel-shapes/eval_set.json (written by tools/train/evalset.py
// from the same tables the training images were drawn with), and a small renderer of ideal
// shapes with the training data's geometry. The renderer gives the analyser its shape prototypes
// and lets the analyser be tested on pictures whose answer is known.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "io/image.h"

namespace easel::test {

using Rgb = std::array<float, 3>;

struct NamedColour {
  std::string name;
  Rgb rgb;
};

struct EvalEntry {
  std::string prompt;
  int64_t seed = 0;
  bool held_out = false;
  std::string shape, shape_colour, background_colour, position, size;  // size may be ""
};

struct ShapeVocabulary {
  int image_size = 128;
  std::vector<NamedColour> colours;
  std::vector<std::pair<std::string, std::array<float, 2>>> positions;  // centre as fractions, y down
  std::vector<std::string> shapes;
  std::vector<std::pair<std::string, float>> sizes;  // name -> radius in pixels at image_size
  std::vector<EvalEntry> entries;

  const Rgb& colour(const std::string& name) const;
  float radius(const std::string& size) const;
  std::array<float, 2> position(const std::string& name) const;
};

// Reads eval_set.json; fails the calling test (throws std::runtime_error) naming what is wrong.
ShapeVocabulary load_vocabulary(const std::string& eval_set_json);
// <repo>/models/easel-shapes/eval_set.json.
std::string default_eval_set_path();

struct ShapeSpec {
  std::string shape;
  float cx = 64, cy = 64, r = 20;  // centre and size in pixels (r as in tools/train/shapes.py)
};

// Coverage of `s` in [x0,x0+1)x[y0,y0+1) sampled on a k x k grid (the training renderer uses 4x4).
float coverage(const ShapeSpec& s, int x, int y, int k = 4);

// Solid background with the shapes drawn over it, anti-aliased like the training images.
Image render_scene(int size, const Rgb& background, const std::vector<std::pair<ShapeSpec, Rgb>>& shapes);

}  // namespace easel::test
