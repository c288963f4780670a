#include "builtin/shape_analyser.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace easel::test {
namespace {

float dist(const Rgb& a, const Rgb& b) {
  float s = 0;
  for (int i = 0; i < 3; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

Rgb pixel(const Image& im, size_t i) { return {float(im.rgb[3 * i]), float(im.rgb[3 * i + 1]), float(im.rgb[3 * i + 2])}; }

Rgb median_rgb(const Image& im, const std::vector<size_t>& idx) {
  Rgb out{};
  std::vector<float> ch(idx.size());
  for (int c = 0; c < 3; ++c) {
    for (size_t k = 0; k < idx.size(); ++k) ch[k] = im.rgb[3 * idx[k] + c];
    std::nth_element(ch.begin(), ch.begin() + ch.size() / 2, ch.end());
    out[c] = ch[ch.size() / 2];
  }
  return out;
}

// Largest 8-connected component of `mask` (kept as 1, the rest cleared).
int keep_largest_component(std::vector<uint8_t>& mask, int w, int h) {
  std::vector<int> label(mask.size(), 0), stack;
  int best = 0, best_label = 0, next = 0;
  for (size_t s = 0; s < mask.size(); ++s) {
    if (!mask[s] || label[s]) continue;
    int n = 0;
    label[s] = ++next;
    stack.assign(1, int(s));
    while (!stack.empty()) {
      int p = stack.back();
      stack.pop_back();
      ++n;
      const int x = p % w, y = p / w;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const int q = ny * w + nx;
          if (mask[q] && !label[q]) label[q] = next, stack.push_back(q);
        }
    }
    if (n > best) best = n, best_label = next;
  }
  for (size_t i = 0; i < mask.size(); ++i) mask[i] = label[i] == best_label && best_label != 0;
  return best;
}

}  // namespace

ShapeFeatures SceneAnalyser::features_of(const std::vector<uint8_t>& mask, int w, int h) {
  double n = 0, sx = 0, sy = 0;
  int x0 = w, x1 = -1, y0 = h, y1 = -1;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (mask[size_t(y) * w + x]) {
        n += 1, sx += x + 0.5, sy += y + 0.5;
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
  ShapeFeatures f;
  if (n == 0) return f;
  const double cx = sx / n, cy = sy / n;
  double m2 = 0;
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x)
      if (mask[size_t(y) * w + x]) m2 += (x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy);
  const double bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  f.fill = float(n / (bw * bh));
  f.spread = float(m2 / (n * n) * 2 * M_PI);
  // Hole probe: a disc of 0.3 x the equivalent radius around the centroid (inside a ring's hole,
  // which is 0.58 of its outer radius; inside the solid centre of every other shape).
  const double rho = std::max(1.0, 0.3 * std::sqrt(n / M_PI));
  int probe = 0, empty = 0;
  for (int y = int(cy - rho - 1); y <= int(cy + rho + 1); ++y)
    for (int x = int(cx - rho - 1); x <= int(cx + rho + 1); ++x) {
      const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      if (dx * dx + dy * dy > rho * rho) continue;
      ++probe;
      if (x < 0 || y < 0 || x >= w || y >= h || !mask[size_t(y) * w + x]) ++empty;
    }
  f.hole = probe ? float(empty) / float(probe) : 0.f;
  f.skew = float((cy - (y0 + bh / 2)) / bh);
  // Bars: how much of the bounding box's middle row and middle column the mask fills (the
  // smaller of the two). A cross fills both completely; a star's notches and a triangle's slope
  // leave them part empty.
  auto run = [&](bool row) {
    const int mid = row ? (y0 + y1) / 2 : (x0 + x1) / 2, len = row ? int(bw) : int(bh);
    int best = 0;
    for (int o = -1; o <= 1; ++o) {
      int c = 0;
      for (int k = 0; k < len; ++k) {
        const int x = row ? x0 + k : mid + o, y = row ? mid + o : y0 + k;
        if (x >= 0 && y >= 0 && x < w && y < h) c += mask[size_t(y) * w + x] != 0;
      }
      best = std::max(best, c);
    }
    return float(best) / float(len);
  };
  f.bars = std::min(run(true), run(false));
  return f;
}

SceneAnalyser::SceneAnalyser(const ShapeVocabulary& v, const Drawn& drawn) : v_(v) {
  // Prototypes: each shape rendered white on black at the training sizes and a few sub-pixel
  // offsets (and, with `drawn`, the same pictures drawn through it), then analysed by the same
  // code as a generated picture.
  const int size = v.image_size;
  auto add = [&](const std::string& shape, const Image& im) {
    std::vector<uint8_t> m(size_t(size) * size);
    for (size_t i = 0; i < m.size(); ++i) m[i] = im.rgb[3 * i] >= 128;
    keep_largest_component(m, size, size);
    protos_.push_back({shape, features_of(m, size, size)});
  };
  for (const auto& shape : v.shapes)
    for (float r : {11.5f, 17.f, 24.f})
      for (float off : {0.f, 0.37f, 0.71f}) {
        ShapeSpec s{shape, size / 2.f + off, size / 2.f + off * 0.5f, r};
        Image im = render_scene(size, {0, 0, 0}, {{s, {255, 255, 255}}});
        add(shape, im);
        if (drawn) add(shape, drawn(im));
      }
}

std::string SceneAnalyser::classify(const ShapeFeatures& f) const {
  // Scales: how far apart the shapes' prototypes are in each feature, loosely (fill separates
  // square/circle/the rest, spread the thin and spiky shapes, hole the ring, skew the triangle, bars the cross).
  auto d = [](const ShapeFeatures& a, const ShapeFeatures& b) {
    auto sq = [](double x) { return x * x; };
    return sq((a.fill - b.fill) / 0.07) + sq((a.spread - b.spread) / 0.12) + sq((a.hole - b.hole) / 0.35) +
           sq((a.skew - b.skew) / 0.06) + sq((a.bars - b.bars) / 0.1);
  };
  double best = std::numeric_limits<double>::infinity();
  std::string out;
  for (auto& p : protos_)
    if (double x = d(f, p.f); x < best) best = x, out = p.shape;
  return out;
}

const std::string& SceneAnalyser::nearest_colour(const Rgb& c) const {
  size_t best = 0;
  float bd = std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < v_.colours.size(); ++i)
    if (float x = dist(c, v_.colours[i].rgb); x < bd) bd = x, best = i;
  return v_.colours[best].name;
}

double SceneAnalyser::colour_share(const Image& img, const std::string& name) const {
  const size_t n = size_t(img.width) * img.height;
  size_t hit = 0;
  for (size_t i = 0; i < n; ++i) hit += nearest_colour(pixel(img, i)) == name;
  return n ? double(hit) / double(n) : 0.0;
}

double SceneAnalyser::colour_affinity(const Image& img, const std::string& name) const {
  const Rgb& c = v_.colour(name);
  const size_t n = size_t(img.width) * img.height;
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += std::max(0.0, 1.0 - dist(pixel(img, i), c) / 255.0);
  return n ? s / double(n) : 0.0;
}

SceneAnalysis SceneAnalyser::analyse(const Image& img) const {
  const int w = img.width, h = img.height;
  const size_t n = size_t(w) * h;
  SceneAnalysis a;
  // Background: per-channel median of a 3-pixel border (shapes rarely reach the edge).
  std::vector<size_t> border;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (x < 3 || y < 3 || x >= w - 3 || y >= h - 3) border.push_back(size_t(y) * w + x);
  a.background_rgb = median_rgb(img, border);
  a.background = nearest_colour(a.background_rgb);

  // First guess of the shape: clearly different from the background. Its colour is the median
  // of the most different part (the interior, not the anti-aliased rim).
  std::vector<float> d(n);
  std::vector<size_t> cand;
  for (size_t i = 0; i < n; ++i)
    if ((d[i] = dist(pixel(img, i), a.background_rgb)) > 60) cand.push_back(i);
  if (cand.size() < 12) return a;
  std::vector<float> cd;
  for (size_t i : cand) cd.push_back(d[i]);
  std::nth_element(cd.begin(), cd.begin() + cd.size() * 9 / 10, cd.end());
  const float strong = 0.6f * cd[cd.size() * 9 / 10];
  std::vector<size_t> core;
  for (size_t i : cand)
    if (d[i] >= strong) core.push_back(i);
  a.shape_rgb = median_rgb(img, core);
  a.shape_colour = nearest_colour(a.shape_rgb);

  // The mask: pixels nearer the shape's colour than the background's (the 50 % coverage line of
  // an anti-aliased edge), largest connected piece.
  std::vector<uint8_t> mask(n);
  for (size_t i = 0; i < n; ++i) {
    const Rgb p = pixel(img, i);
    mask[i] = d[i] > 30 && dist(p, a.shape_rgb) < dist(p, a.background_rgb);
  }
  a.area = keep_largest_component(mask, w, h);
  if (a.area < 12) return a;
  a.found = true;
  double sx = 0, sy = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (mask[size_t(y) * w + x]) sx += x + 0.5, sy += y + 0.5;
  a.cx = float(sx / a.area / w);
  a.cy = float(sy / a.area / h);
  float best = std::numeric_limits<float>::infinity();
  for (auto& [name, p] : v_.positions)
    if (float e = (p[0] - a.cx) * (p[0] - a.cx) + (p[1] - a.cy) * (p[1] - a.cy); e < best) best = e, a.position = name;
  a.features = features_of(mask, w, h);
  a.shape = classify(a.features);
  return a;
}

}  // namespace easel::test
