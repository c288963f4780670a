#include "builtin/shape_scene.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace easel::test {
namespace {

[[noreturn]] void bad(const std::string& what) { throw std::runtime_error(what); }

// Even-odd rule on a closed polygon, as tools/train/shapes.py's _polygon_mask.
bool in_polygon(float x, float y, const std::vector<std::array<float, 2>>& pts) {
  bool inside = false;
  for (size_t i = 0, n = pts.size(); i < n; ++i) {
    auto [x1, y1] = pts[i];
    auto [x2, y2] = pts[(i + 1) % n];
    if ((y1 > y) != (y2 > y)) {
      float xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1);
      if (x < xi) inside = !inside;
    }
  }
  return inside;
}

bool inside(const ShapeSpec& s, float x, float y) {
  const float dx = x - s.cx, dy = y - s.cy, r = s.r;
  const std::string& k = s.shape;
  if (k == "circle") return dx * dx + dy * dy <= r * r;
  if (k == "ring") {
    float d2 = dx * dx + dy * dy;
    return d2 <= r * r && d2 >= (0.58f * r) * (0.58f * r);
  }
  if (k == "square") return std::fabs(dx) <= 0.85f * r && std::fabs(dy) <= 0.85f * r;
  if (k == "cross") {
    float w = 0.32f * r, h = r;
    return (std::fabs(dx) <= w && std::fabs(dy) <= h) || (std::fabs(dx) <= h && std::fabs(dy) <= w);
  }
  if (k == "triangle") {
    const float R = 1.15f * r;
    std::vector<std::array<float, 2>> pts;
    for (double a : {0.0, 2.0944, 4.1888})
      pts.push_back({float(s.cx + R * std::sin(a)), float(s.cy + 0.15f * r - R * std::cos(a))});
    return in_polygon(x, y, pts);
  }
  if (k == "star") {
    std::vector<std::array<float, 2>> pts;
    for (int i = 0; i < 10; ++i) {
      const double rad = i % 2 == 0 ? 1.2 * r : 0.5 * r, a = i * M_PI / 5;
      pts.push_back({float(s.cx + rad * std::sin(a)), float(s.cy + 0.05 * r - rad * std::cos(a))});
    }
    return in_polygon(x, y, pts);
  }
  bad("unknown shape '" + k + "'");
}

}  // namespace

const Rgb& ShapeVocabulary::colour(const std::string& name) const {
  for (auto& c : colours)
    if (c.name == name) return c.rgb;
  bad("eval set: unknown colour '" + name + "'");
}

float ShapeVocabulary::radius(const std::string& size) const {
  for (auto& [n, r] : sizes)
    if (n == size) return r;
  bad("eval set: unknown size '" + size + "'");
}

std::array<float, 2> ShapeVocabulary::position(const std::string& name) const {
  for (auto& [n, p] : positions)
    if (n == name) return p;
  bad("eval set: unknown position '" + name + "'");
}

std::string default_eval_set_path() { return std::string(EASEL_SOURCE_DIR) + "/models/easel-shapes/eval_set.json"; }

ShapeVocabulary load_vocabulary(const std::string& path) {
  std::ifstream f(path);
  if (!f) bad(path + ": cannot read");
  nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.is_object()) bad(path + ": not a JSON object");
  ShapeVocabulary v;
  try {
    v.image_size = j.at("image_size").get<int>();
    for (auto& [name, c] : j.at("colours").items())
      v.colours.push_back({name, {c.at(0).get<float>(), c.at(1).get<float>(), c.at(2).get<float>()}});
    for (auto& [name, p] : j.at("positions").items()) v.positions.push_back({name, {p.at(0).get<float>(), p.at(1).get<float>()}});
    for (auto& s : j.at("shapes")) v.shapes.push_back(s.get<std::string>());
    for (auto& [name, r] : j.at("sizes_radius_px").items()) v.sizes.push_back({name, r.get<float>()});
    for (auto& e : j.at("entries")) {
      EvalEntry x;
      x.prompt = e.at("prompt").get<std::string>();
      x.seed = e.at("seed").get<int64_t>();
      x.held_out = e.at("held_out").get<bool>();
      const auto& ex = e.at("expected");
      x.shape = ex.at("shape").get<std::string>();
      x.shape_colour = ex.at("shape_colour").get<std::string>();
      x.background_colour = ex.at("background_colour").get<std::string>();
      x.position = ex.at("position").get<std::string>();
      x.size = ex.value("size", "");
      v.entries.push_back(std::move(x));
    }
  } catch (const nlohmann::json::exception& e) {
    bad(path + ": " + e.what());
  }
  if (v.colours.empty() || v.positions.empty() || v.shapes.empty()) bad(path + ": empty tables");
  return v;
}

float coverage(const ShapeSpec& s, int x, int y, int k) {
  int n = 0;
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < k; ++i) n += inside(s, x + (i + 0.5f) / k, y + (j + 0.5f) / k);
  return float(n) / float(k * k);
}

Image render_scene(int size, const Rgb& bg, const std::vector<std::pair<ShapeSpec, Rgb>>& shapes) {
  std::vector<float> px(size_t(size) * size * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = bg[i % 3];
  for (auto& [s, c] : shapes) {
    const float reach = s.r * 1.3f + 2;
    const int y0 = std::max(0, int(s.cy - reach)), y1 = std::min(size, int(s.cy + reach) + 1);
    const int x0 = std::max(0, int(s.cx - reach)), x1 = std::min(size, int(s.cx + reach) + 1);
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const float a = coverage(s, x, y);
        float* p = &px[(size_t(y) * size + x) * 3];
        for (int ch = 0; ch < 3; ++ch) p[ch] = p[ch] * (1 - a) + c[ch] * a;
      }
  }
  Image im;
  im.width = im.height = size;
  im.rgb.resize(px.size());
  for (size_t i = 0; i < px.size(); ++i) im.rgb[i] = uint8_t(std::lround(std::clamp(px[i], 0.f, 255.f)));
  return im;
}

}  // namespace easel::test
