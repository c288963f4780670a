// Reads a picture of the built-in model the way a person would check it against its prompt:
// background colour from the border, the shape as the pixels that differ from it, the shape's
// colour from its interior, its position from the mask centroid and its kind from mask moments
// (fill of the bounding box, normalised second moment, a hole at the centroid, vertical skew)
// matched to prototypes rendered from the training geometry. Colours are named by the nearest
// palette entry (RGB distance).
//
// A model can draw no sharper than its VAE decodes: a small square comes back from the built-in
// VAE with rounded corners (bounding-box fill 0.81-0.95 instead of 1.0), about halfway to a
// circle's 0.785. So the analyser can also be given the pipeline a picture goes through
// (`drawn`, e.g. VAE encode -> decode); every prototype is then added a second time as drawn
// through it, and a shape is read as the nearest of the ideal and drawn prototypes.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "builtin/shape_scene.h"

namespace easel::test {

struct ShapeFeatures {
  float fill = 0;   // mask area / bounding-box area
  float spread = 0; // (mu20 + mu02) / area^2 * 2 pi: 1 for a disc, larger when mass is far out
  float hole = 0;   // share of a small disc at the centroid that is NOT in the mask
  float skew = 0;
  float bars = 0;   // share of the box's middle row/column in the mask (the smaller; 3-pixel band)   // (centroid y - bounding-box centre y) / box height (triangles point up: > 0)
};

struct SceneAnalysis {
  Rgb background_rgb{}, shape_rgb{};
  std::string background, shape_colour;  // nearest palette names
  bool found = false;                     // false: no shape (the fields below are empty)
  float cx = 0, cy = 0;                   // centroid as fractions of width/height
  std::string position, shape;
  int area = 0;                           // pixels of the shape mask (largest component)
  ShapeFeatures features;
};

class SceneAnalyser {
 public:
  using Drawn = std::function<Image(const Image&)>;
  explicit SceneAnalyser(const ShapeVocabulary& v, const Drawn& drawn = {});
  SceneAnalysis analyse(const Image& img) const;

  const std::string& nearest_colour(const Rgb& c) const;
  // Share of all pixels whose nearest palette colour is `name`.
  double colour_share(const Image& img, const std::string& name) const;
  // Mean over all pixels of max(0, 1 - |pixel - colour| / 255): a continuous "how much of this
  // colour" that also moves when pixels only drift towards it.
  double colour_affinity(const Image& img, const std::string& name) const;

  // Features of a binary mask (row-major, w x h); exposed for the tests.
  static ShapeFeatures features_of(const std::vector<uint8_t>& mask, int w, int h);

 private:
  const ShapeVocabulary& v_;
  struct Prototype {
    std::string shape;
    ShapeFeatures f;
  };
  std::vector<Prototype> protos_;
  std::string classify(const ShapeFeatures& f) const;
};

}  // namespace easel::test
