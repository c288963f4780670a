// Reader dispatch. The .ckpt and diffusers-folder readers are being written in src/io; until
// they exist only safetensors files are opened here (detected by content, not by name).
#include "naming/weights_source.h"

#include <cstdint>
#include <cstring>
#include <fstream>

#include "core/error.h"
#include "io/safetensors.h"

namespace easel::naming {

namespace {
// A safetensors file starts with a little-endian u64 header length followed by '{'.
bool looks_like_safetensors(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  unsigned char b[9] = {};
  if (!f.read(reinterpret_cast<char*>(b), 9)) return false;
  return b[8] == '{';
}
}  // namespace

TensorStore open_weights(const std::string& path) {
  if (looks_like_safetensors(path)) return load_safetensors(path);
  fail("{}: only .safetensors files can be read by this build (the .ckpt reader is not available yet)", path);
}

DiffusersFolder open_diffusers(const std::string& dir, const std::string&) {
  fail("{}: diffusers folders cannot be read by this build yet", dir);
}

}  // namespace easel::naming
