// Image format dispatch (by magic bytes), JPEG and WebP decoding, PNG file writing.
#include "io/image.h"

#include <jpeglib.h>
#include <webp/decode.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "core/mapped_file.h"

namespace easel {

Image decode_png(const uint8_t* data, size_t size, const std::string& what);

namespace {

struct JpegErr {
  jpeg_error_mgr mgr;
  jmp_buf jb;
  char msg[JMSG_LENGTH_MAX];
};

Image decode_jpeg(const uint8_t* data, size_t size, const std::string& what) {
  jpeg_decompress_struct cinfo{};
  JpegErr jerr{};
  cinfo.err = jpeg_std_error(&jerr.mgr);
  jerr.mgr.error_exit = [](j_common_ptr c) {
    auto* e = reinterpret_cast<JpegErr*>(c->err);
    (*c->err->format_message)(c, e->msg);
    longjmp(e->jb, 1);
  };
  jerr.mgr.output_message = [](j_common_ptr) {};
  Image img;
  if (setjmp(jerr.jb)) {
    jpeg_destroy_decompress(&cinfo);
    fail("{}: invalid JPEG: {}", what, jerr.msg);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  if (cinfo.image_width > unsigned(kMaxImageSide) || cinfo.image_height > unsigned(kMaxImageSide)) {
    jpeg_destroy_decompress(&cinfo);
    fail("{}: JPEG {}x{} exceeds the {} pixel side limit", what, cinfo.image_width, cinfo.image_height, kMaxImageSide);
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  img.width = int(cinfo.output_width);
  img.height = int(cinfo.output_height);
  img.rgb.resize(size_t(img.width) * img.height * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = img.rgb.data() + size_t(cinfo.output_scanline) * img.width * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return img;
}

Image decode_webp(const uint8_t* data, size_t size, const std::string& what) {
  int w = 0, h = 0;
  if (!WebPGetInfo(data, size, &w, &h)) fail("{}: invalid WebP", what);
  if (w > kMaxImageSide || h > kMaxImageSide) fail("{}: WebP {}x{} exceeds the {} pixel side limit", what, w, h, kMaxImageSide);
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.resize(size_t(w) * h * 3);
  if (!WebPDecodeRGBInto(data, size, img.rgb.data(), img.rgb.size(), w * 3)) fail("{}: WebP decoding failed", what);
  return img;
}

}  // namespace

Image decode_image(const uint8_t* data, size_t size, const std::string& what) {
  static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (size >= 8 && std::memcmp(data, png_magic, 8) == 0) return decode_png(data, size, what);
  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff) return decode_jpeg(data, size, what);
  if (size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WEBP", 4) == 0)
    return decode_webp(data, size, what);
  fail("{}: not a PNG, JPEG or WebP image", what);
}

Image read_image(const std::string& path) {
  auto f = MappedFile::open(path);
  return decode_image(f->data(), f->size(), path);
}

void write_png(const std::string& path, const Image& img) {
  auto bytes = encode_png(img);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) fail("{}: cannot open for writing", path);
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) fail("{}: write failed", path);
}

}  // namespace easel
