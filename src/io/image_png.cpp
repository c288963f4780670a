// PNG encode/decode with libpng (memory buffers; errors via longjmp turned into easel::Error).
#include <png.h>

#include <csetjmp>
#include <cstring>

#include "core/error.h"
#include "io/image.h"

namespace easel {

namespace {

struct ReadCtx {
  const uint8_t* data;
  size_t size, pos;
};

void png_error_fn(png_structp p, png_const_charp msg) {
  auto* err = static_cast<std::string*>(png_get_error_ptr(p));
  *err = msg;
  png_longjmp(p, 1);
}
void png_warn_fn(png_structp, png_const_charp) {}

// Latin-1 -> UTF-8 for tEXt values.
std::string latin1_to_utf8(const char* s, size_t n) {
  std::string r;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) r += char(c);
    else {
      r += char(0xc0 | (c >> 6));
      r += char(0x80 | (c & 0x3f));
    }
  }
  return r;
}

// UTF-8 -> Latin-1 if every code point fits, else false.
bool utf8_to_latin1(const std::string& s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) out += char(c);
    else if ((c & 0xe0) == 0xc0 && i + 1 < s.size()) {
      unsigned cp = ((c & 0x1f) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3f);
      if (cp > 0xff) return false;
      out += char(cp);
      ++i;
    } else return false;
  }
  return true;
}

}  // namespace

Image decode_png(const uint8_t* data, size_t size, const std::string& what) {
  std::string err;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, png_error_fn, png_warn_fn);
  if (!png) fail("{}: cannot create PNG reader", what);
  png_infop info = png_create_info_struct(png);
  Image img;
  std::vector<png_bytep> rows;
  ReadCtx ctx{data, size, 0};
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    fail("{}: invalid PNG: {}", what, err);
  }
  png_set_read_fn(png, &ctx, [](png_structp p, png_bytep out, png_size_t n) {
    auto* c = static_cast<ReadCtx*>(png_get_io_ptr(p));
    if (c->pos + n > c->size) png_error(p, "truncated file");
    std::memcpy(out, c->data + c->pos, n);
    c->pos += n;
  });
  png_set_user_limits(png, kMaxImageSide, kMaxImageSide);
  png_read_info(png, info);
  png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
  if (depth == 16) png_set_strip_16(png);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png), png_set_strip_alpha(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_rowbytes(png, info) != size_t(w) * 3) {
    png_destroy_read_struct(&png, &info, nullptr);
    fail("{}: unsupported PNG pixel layout", what);
  }
  img.width = int(w);
  img.height = int(h);
  img.rgb.resize(size_t(w) * h * 3);
  rows.resize(h);
  for (png_uint_32 y = 0; y < h; ++y) rows[y] = img.rgb.data() + size_t(y) * w * 3;
  png_read_image(png, rows.data());
  png_read_end(png, info);
  png_textp texts = nullptr;
  int n = png_get_text(png, info, &texts, nullptr);
  for (int i = 0; i < n; ++i) {
    std::string v = texts[i].compression >= PNG_ITXT_COMPRESSION_NONE
                        ? std::string(texts[i].text, texts[i].itxt_length)
                        : latin1_to_utf8(texts[i].text, texts[i].text_length);
    img.text[texts[i].key] = v;
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return img;
}

std::vector<uint8_t> encode_png(const Image& img) {
  if (img.width <= 0 || img.height <= 0 || img.rgb.size() != size_t(img.width) * img.height * 3)
    fail("encode_png: image {}x{} has {} bytes, expected {}", img.width, img.height, img.rgb.size(),
         size_t(img.width) * img.height * 3);
  std::string err;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, png_error_fn, png_warn_fn);
  png_infop info = png_create_info_struct(png);
  std::vector<uint8_t> out;
  std::vector<std::string> keep;  // text storage alive until png_write_info
  std::vector<png_text> texts;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fail("PNG encoding failed: {}", err);
  }
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep d, png_size_t n) {
        auto* o = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(p));
        o->insert(o->end(), d, d + n);
      },
      nullptr);
  png_set_IHDR(png, info, img.width, img.height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  keep.reserve(img.text.size() * 2);
  for (auto& [k, v] : img.text) {
    png_text t{};
    keep.push_back(k);
    t.key = const_cast<char*>(keep.back().c_str());
    std::string l1;
    if (utf8_to_latin1(v, l1)) {
      keep.push_back(l1);
      t.compression = PNG_TEXT_COMPRESSION_NONE;
      t.text = const_cast<char*>(keep.back().c_str());
      t.text_length = keep.back().size();
    } else {
      keep.push_back(v);
      t.compression = PNG_ITXT_COMPRESSION_NONE;
      t.text = const_cast<char*>(keep.back().c_str());
      t.itxt_length = keep.back().size();
      t.lang = const_cast<char*>("");
      t.lang_key = const_cast<char*>("");
    }
    texts.push_back(t);
  }
  if (!texts.empty()) png_set_text(png, info, texts.data(), int(texts.size()));
  png_write_info(png, info);
  for (int y = 0; y < img.height; ++y)
    png_write_row(png, const_cast<png_bytep>(img.rgb.data() + size_t(y) * img.width * 3));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace easel
