// 8-bit RGB images: reading PNG / JPEG / WebP (format from magic bytes) and writing PNG with
// text chunks (A1111 stores generation parameters in a `parameters` chunk).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace easel {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;                  // HWC, 3 channels
  std::map<std::string, std::string> text;   // PNG tEXt/iTXt/zTXt chunks (UTF-8)
};

// Any supported format; alpha is dropped (composited on black is NOT done: A1111 converts RGBA
// to RGB by discarding alpha). Throws Error naming the file on failure.
Image read_image(const std::string& path);
Image decode_image(const uint8_t* data, size_t size, const std::string& what = "image");

// PNG with text chunks: tEXt when the value is Latin-1 representable, iTXt (UTF-8) otherwise,
// as PIL does for A1111.
void write_png(const std::string& path, const Image& img);
std::vector<uint8_t> encode_png(const Image& img);

// Largest accepted image side (decoders refuse bigger declared sizes before allocating).
constexpr int kMaxImageSide = 16384;

}  // namespace easel
