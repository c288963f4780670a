// Pillow's resampling (libImaging/Resample.c semantics: precomputed normalised taps, 22-bit
// fixed point for 8-bit images, horizontal then vertical pass) and A1111's resize modes.
#include "pipeline/resize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace easel {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= M_PI;
  return std::sin(x) / x;
}
double lanczos(double x) { return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0; }
double bicubic(double x) {
  const double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

struct Taps {
  int ksize = 0;
  std::vector<int> xmin, xcount;
  std::vector<int32_t> k;  // out_size * ksize, fixed point
};

Taps precompute(int in_size, double in0, double in1, int out_size, ResampleFilter f) {
  const double support0 = f == ResampleFilter::Lanczos ? 3.0 : 2.0;
  const double scale = (in1 - in0) / out_size;
  const double filterscale = std::max(scale, 1.0);
  const double support = support0 * filterscale;
  Taps t;
  t.ksize = int(std::ceil(support)) * 2 + 1;
  t.xmin.resize(size_t(out_size));
  t.xcount.resize(size_t(out_size));
  t.k.assign(size_t(out_size) * size_t(t.ksize), 0);
  std::vector<double> kd(size_t(t.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = in0 + (xx + 0.5) * scale, ss = 1.0 / filterscale;
    int xmin = int(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = int(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      const double w = f == ResampleFilter::Lanczos ? lanczos((x + xmin - center + 0.5) * ss) : bicubic((x + xmin - center + 0.5) * ss);
      kd[size_t(x)] = w;
      ww += w;
    }
    for (int x = 0; x < xmax; ++x) {
      double v = ww != 0.0 ? kd[size_t(x)] / ww : kd[size_t(x)];
      t.k[size_t(xx) * size_t(t.ksize) + size_t(x)] =
          v < 0 ? int32_t(-0.5 + v * (1 << kPrecisionBits)) : int32_t(0.5 + v * (1 << kPrecisionBits));
    }
    t.xmin[size_t(xx)] = xmin;
    t.xcount[size_t(xx)] = xmax;
  }
  return t;
}

uint8_t clip8(int32_t v) {
  v >>= kPrecisionBits;
  return uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
}

Image horizontal(const Image& in, int out_w, const Taps& t) {
  Image out;
  out.width = out_w;
  out.height = in.height;
  out.rgb.resize(size_t(out_w) * size_t(in.height) * 3);
  for (int y = 0; y < in.height; ++y)
    for (int xx = 0; xx < out_w; ++xx) {
      const int32_t* k = &t.k[size_t(xx) * size_t(t.ksize)];
      const int xmin = t.xmin[size_t(xx)];
      for (int c = 0; c < 3; ++c) {
        int32_t ss = 1 << (kPrecisionBits - 1);
        for (int x = 0; x < t.xcount[size_t(xx)]; ++x) ss += int32_t(in.rgb[(size_t(y) * size_t(in.width) + size_t(x + xmin)) * 3 + size_t(c)]) * k[x];
        out.rgb[(size_t(y) * size_t(out_w) + size_t(xx)) * 3 + size_t(c)] = clip8(ss);
      }
    }
  return out;
}

Image vertical(const Image& in, int out_h, const Taps& t) {
  Image out;
  out.width = in.width;
  out.height = out_h;
  out.rgb.resize(size_t(in.width) * size_t(out_h) * 3);
  for (int yy = 0; yy < out_h; ++yy) {
    const int32_t* k = &t.k[size_t(yy) * size_t(t.ksize)];
    const int ymin = t.xmin[size_t(yy)];
    for (int x = 0; x < in.width; ++x)
      for (int c = 0; c < 3; ++c) {
        int32_t ss = 1 << (kPrecisionBits - 1);
        for (int y = 0; y < t.xcount[size_t(yy)]; ++y) ss += int32_t(in.rgb[(size_t(y + ymin) * size_t(in.width) + size_t(x)) * 3 + size_t(c)]) * k[y];
        out.rgb[(size_t(yy) * size_t(in.width) + size_t(x)) * 3 + size_t(c)] = clip8(ss);
      }
  }
  return out;
}

void paste(Image& dst, const Image& src, int x0, int y0) {
  for (int y = 0; y < src.height; ++y) {
    const int dy = y + y0;
    if (dy < 0 || dy >= dst.height) continue;
    for (int x = 0; x < src.width; ++x) {
      const int dx = x + x0;
      if (dx < 0 || dx >= dst.width) continue;
      std::memcpy(&dst.rgb[(size_t(dy) * size_t(dst.width) + size_t(dx)) * 3], &src.rgb[(size_t(y) * size_t(src.width) + size_t(x)) * 3], 3);
    }
  }
}

Image blank(int w, int h) {
  Image im;
  im.width = w;
  im.height = h;
  im.rgb.assign(size_t(w) * size_t(h) * 3, 0);
  return im;
}

}  // namespace

Image pil_resize(const Image& im, int w, int h, ResampleFilter f, const double box_in[4]) {
  if (w < 1 || h < 1) fail("resize: target size {}x{} is empty", w, h);
  double box[4] = {0, 0, double(im.width), double(im.height)};
  if (box_in) std::copy(box_in, box_in + 4, box);
  if (w == im.width && h == im.height && box[0] == 0 && box[1] == 0 && box[2] == im.width && box[3] == im.height) {
    Image c = im;
    c.text.clear();
    return c;
  }
  const bool need_h = w != im.width || box[0] != 0 || box[2] != w;
  const bool need_v = h != im.height || box[1] != 0 || box[3] != h;
  Image cur = im;
  cur.text.clear();
  if (need_h) cur = horizontal(cur, w, precompute(im.width, box[0], box[2], w, f));
  if (need_v) cur = vertical(cur, h, precompute(im.height, box[1], box[3], h, f));
  return cur;
}

Image a1111_resize_image(int mode, const Image& im, int width, int height) {
  auto resize = [](const Image& i, int w, int h) { return pil_resize(i, w, h, ResampleFilter::Lanczos); };
  if (mode == 0) return resize(im, width, height);
  if (mode != 1 && mode != 2) fail("resize mode: expected 0..3, got {}", mode);
  const double ratio = double(width) / height, src_ratio = double(im.width) / im.height;
  int src_w, src_h;
  if (mode == 1) {
    src_w = ratio > src_ratio ? width : im.width * height / im.height;
    src_h = ratio <= src_ratio ? height : im.height * width / im.width;
  } else {
    src_w = ratio < src_ratio ? width : im.width * height / im.height;
    src_h = ratio >= src_ratio ? height : im.height * width / im.width;
  }
  // Python's // floors; the operands are positive here.
  Image resized = resize(im, src_w, src_h);
  Image res = blank(width, height);
  paste(res, resized, width / 2 - src_w / 2, height / 2 - src_h / 2);
  if (mode == 2) {
    // The strips use Image.resize's default filter for RGB images (bicubic) over a zero-height
    // or zero-width box at the resized image's edge.
    if (ratio < src_ratio) {
      const int fill = height / 2 - src_h / 2;
      if (fill > 0) {
        const double top[4] = {0, 0, double(width), 0}, bot[4] = {0, double(resized.height), double(width), double(resized.height)};
        paste(res, pil_resize(resized, width, fill, ResampleFilter::Bicubic, top), 0, 0);
        paste(res, pil_resize(resized, width, fill, ResampleFilter::Bicubic, bot), 0, fill + src_h);
      }
    } else if (ratio > src_ratio) {
      const int fill = width / 2 - src_w / 2;
      if (fill > 0) {
        const double left[4] = {0, 0, 0, double(height)}, right[4] = {double(resized.width), 0, double(resized.width), double(height)};
        paste(res, pil_resize(resized, fill, height, ResampleFilter::Bicubic, left), 0, 0);
        paste(res, pil_resize(resized, fill, height, ResampleFilter::Bicubic, right), fill + src_w, 0);
      }
    }
  }
  return res;
}

Tensor bilinear_resize(const Tensor& x, int oh, int ow) {
  if (x.ndim() != 4) fail("bilinear resize: expected [B,C,H,W], got {}", shape_str(x.shape()));
  const int64_t B = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
  Tensor out = Tensor::empty({B, C, oh, ow});
  const float sh = float(H) / float(oh), sw = float(W) / float(ow);
  auto src_index = [](float scale, int d) {
    float s = scale * (float(d) + 0.5f) - 0.5f;
    return s < 0 ? 0.f : s;
  };
  for (int64_t p = 0; p < B * C; ++p) {
    const float* in = x.f32() + p * H * W;
    float* o = out.f32() + p * oh * ow;
    for (int y = 0; y < oh; ++y) {
      const float sy = src_index(sh, y);
      const int64_t y0 = int64_t(sy), y1 = y0 + (y0 < H - 1 ? 1 : 0);
      const float ly1 = sy - float(y0), ly0 = 1.f - ly1;
      for (int xx = 0; xx < ow; ++xx) {
        const float sx = src_index(sw, xx);
        const int64_t x0 = int64_t(sx), x1 = x0 + (x0 < W - 1 ? 1 : 0);
        const float lx1 = sx - float(x0), lx0 = 1.f - lx1;
        o[y * ow + xx] = ly0 * (lx0 * in[y0 * W + x0] + lx1 * in[y0 * W + x1]) + ly1 * (lx0 * in[y1 * W + x0] + lx1 * in[y1 * W + x1]);
      }
    }
  }
  return out;
}

}  // namespace easel
