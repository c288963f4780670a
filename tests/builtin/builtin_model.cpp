#include "builtin/builtin_model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "pipeline/image_convert.h"
#include "pipeline/model_finder.h"

namespace easel::test {
namespace fs = std::filesystem;

bool have_builtin_model() {
  return fs::exists(std::string(EASEL_SOURCE_DIR) + "/models/easel-shapes/easel-shapes.safetensors");
}

SDModel& builtin_model() {
  static std::unique_ptr<SDModel> m = [] {
    const std::string path = std::string(EASEL_SOURCE_DIR) + "/models/easel-shapes/easel-shapes.safetensors";
    if (!fs::exists(path)) throw std::runtime_error(path + " is missing (train and export it: tools/train/README.md)");
    ModelLoadOptions o;
    o.hash = false;
    return SDModel::load(path, o);
  }();
  return *m;
}

const ShapeVocabulary& builtin_vocabulary() {
  static ShapeVocabulary v = load_vocabulary(default_eval_set_path());
  return v;
}

const SceneAnalyser& builtin_analyser() {
  static SceneAnalyser a(builtin_vocabulary(), vae_round_trip);
  return a;
}

Image vae_round_trip(const Image& im) {
  SDModel& m = builtin_model();
  Tensor z = m.encode(images_to_tensor({&im})).mean;
  const float s = m.scale_factor();
  for (float& v : z.span_f32()) v *= s;  // decode() takes sampler-space latents
  return decoded_to_image(m.decode(z), 0);
}

GenerationParams eval_params(const std::string& prompt, int64_t seed) {
  GenerationParams p;
  p.prompt = prompt;
  p.seed = seed;
  p.sampler = "Euler a";
  p.steps = 20;
  p.cfg_scale = 7;
  p.width = p.height = builtin_model().native_size();
  return p;
}

std::vector<Image> paint(GenerationParams p, int n) {
  std::vector<Image> out;
  Generator gen(builtin_model());
  const int64_t first = p.seed;
  while (int(out.size()) < n) {
    p.seed = first + int64_t(out.size());
    p.batch_count = 1;
    p.batch_size = std::min(10, n - int(out.size()));
    for (auto& g : gen.generate(p)) out.push_back(std::move(g.image));
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / double(v.size());
}

double share_greater(const std::vector<double>& a, const std::vector<double>& b) {
  size_t n = std::min(a.size(), b.size()), k = 0;
  for (size_t i = 0; i < n; ++i) k += a[i] > b[i];
  return n ? double(k) / double(n) : 0;
}

void write_contact_sheet(const std::string& name, const std::vector<Image>& images, int cols) {
  if (images.empty()) return;
  const int w = images[0].width, h = images[0].height, pad = 2;
  const int rows = (int(images.size()) + cols - 1) / cols;
  Image sheet;
  sheet.width = cols * (w + pad);
  sheet.height = rows * (h + pad);
  sheet.rgb.assign(size_t(sheet.width) * sheet.height * 3, 255);
  for (size_t i = 0; i < images.size(); ++i) {
    const int ox = int(i % cols) * (w + pad), oy = int(i / cols) * (h + pad);
    for (int y = 0; y < h; ++y)
      std::copy_n(&images[i].rgb[size_t(y) * w * 3], w * 3, &sheet.rgb[(size_t(oy + y) * sheet.width + ox) * 3]);
  }
  write_png(std::string(EASEL_BINARY_DIR) + "/" + name + ".png", sheet);
}

}  // namespace easel::test
