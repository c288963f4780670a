// Image I/O: PNG text chunks round-trip, decoding the oracle's golden PNGs matches their stored
// uint8 tensors, JPEG/WebP decode, and broken files give errors.
#include <gtest/gtest.h>
#include <jpeglib.h>

#include <filesystem>
#include <fstream>

#include "common/oracle.h"
#include "core/error.h"
#include "io/image.h"
#include "io/safetensors.h"

using namespace easel;

namespace {
Image gradient(int w, int h) {
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.resize(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) img.rgb[(size_t(y) * w + x) * 3 + c] = uint8_t((x * 7 + y * 3 + c * 50) & 255);
  return img;
}
}  // namespace

TEST(Image, PngRoundTripWithText) {
  Image img = gradient(37, 21);
  img.text["parameters"] = "a cat, (red:1.2)\nNegative prompt: blurry\nSteps: 20, Seed: 42";
  img.text["unicode"] = "猫 — café";
  auto dir = test::temp_dir("image_png");
  write_png((dir / "a.png").string(), img);
  Image back = read_image((dir / "a.png").string());
  EXPECT_EQ(back.width, 37);
  EXPECT_EQ(back.height, 21);
  EXPECT_EQ(back.rgb, img.rgb);
  EXPECT_EQ(back.text["parameters"], img.text["parameters"]);
  EXPECT_EQ(back.text["unicode"], img.text["unicode"]);
}

TEST(Image, GoldenPngsMatchStoredPixels) {
  auto files = test::oracle_files("tiny-sd15/golden", ".safetensors");
  int checked = 0;
  for (auto& st : files) {
    auto png = st;
    png.replace_extension(".png");
    if (!std::filesystem::exists(png)) continue;
    auto store = load_safetensors(st.string());
    if (!store.has("image_uint8_hwc")) continue;
    Tensor want = store.at("image_uint8_hwc").to_f32();
    Image img = read_image(png.string());
    ASSERT_EQ(int64_t(img.rgb.size()), want.numel()) << png;
    for (size_t i = 0; i < img.rgb.size(); ++i) ASSERT_EQ(float(img.rgb[i]), want.f32()[i]) << png << " at " << i;
    ++checked;
  }
  std::printf("golden PNGs decoded and matched: %d\n", checked);
  EXPECT_GT(checked, 0);
}

TEST(Image, JpegDecode) {
  Image img = gradient(64, 48);
  // A smooth image (JPEG's 4:2:0 chroma subsampling smears sharp edges).
  for (size_t i = 0; i < img.rgb.size(); ++i) img.rgb[i] = uint8_t(40 + (i / 3 % 64) + (i / 192) + (i % 3) * 30);
  // Encode with libjpeg at quality 100 and check the decode is close.
  jpeg_compress_struct c{};
  jpeg_error_mgr jerr{};
  c.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long len = 0;
  jpeg_mem_dest(&c, &buf, &len);
  c.image_width = 64;
  c.image_height = 48;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 100, TRUE);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = img.rgb.data() + size_t(c.next_scanline) * 64 * 3;
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  Image back = decode_image(buf, len, "mem.jpg");
  EXPECT_EQ(back.width, 64);
  EXPECT_EQ(back.height, 48);
  double err = 0;
  for (size_t i = 0; i < back.rgb.size(); ++i) err += std::abs(int(back.rgb[i]) - int(img.rgb[i]));
  EXPECT_LT(err / back.rgb.size(), 2.0);
  // Truncated JPEG: error (libjpeg warns and pads short data; a header cut is fatal).
  EXPECT_THROW(decode_image(buf, 20, "cut.jpg"), Error);
  free(buf);
}

TEST(Image, BrokenFilesGiveErrors) {
  Image img = gradient(16, 16);
  auto bytes = encode_png(img);
  for (size_t cut : {size_t(8), size_t(20), size_t(40), bytes.size() / 2, bytes.size() - 13}) {
    try {
      decode_image(bytes.data(), cut, "cut.png");
      ADD_FAILURE() << "no error at cut " << cut;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("cut.png"), std::string::npos);
    }
  }
  const uint8_t junk[16] = {1, 2, 3};
  EXPECT_THROW(decode_image(junk, sizeof junk, "junk"), Error);
  EXPECT_THROW(read_image("/nonexistent/file.png"), Error);
  const uint8_t riff[16] = {'R', 'I', 'F', 'F', 8, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
  EXPECT_THROW(decode_image(riff, sizeof riff, "bad.webp"), Error);
}
