// Weights-file entry points: the format is detected from the first bytes, never the file name.
#include "io/model_files.h"

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "io/safetensors.h"
#include "io/torch_zip.h"

namespace easel {

namespace {
std::string detect(const uint8_t* b, size_t n) {
  if (n >= 4 && std::memcmp(b, "PK\x03\x04", 4) == 0) return "torch-zip";
  if (n >= 4 && std::memcmp(b, "PK\x05\x06", 4) == 0) return "torch-zip";  // an empty zip
  // A safetensors header length is far below 2^32, so its high bytes are zero; JSON text never is.
  if (n >= 9 && b[8] == '{' && !b[4] && !b[5] && !b[6] && !b[7]) return "safetensors";
  size_t i = 0;
  while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) ++i;
  if (i < n && b[i] == '{') return "index";
  if (n >= 2 && b[0] == 0x80 && b[1] <= 5) return "legacy-torch";
  return "";
}
}  // namespace

std::string detect_weights_format(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail("{}: cannot open", path);
  uint8_t buf[64];
  size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  return detect(buf, n);
}

TensorStore load_weights_file(const std::string& path) {
  if (std::filesystem::is_directory(path)) fail("{}: is a folder, not a weights file", path);
  std::string fmt = detect_weights_format(path);
  if (fmt == "safetensors") return load_safetensors(path);
  if (fmt == "torch-zip") return load_torch_zip(path);
  if (fmt == "legacy-torch")
    fail("{}: legacy (pre-1.6, non-zip) torch serialization is not supported; re-save it with a newer torch", path);
  if (fmt == "index") fail("{}: a shard index cannot be a shard itself", path);
  fail("{}: unrecognised weights format (expected safetensors or a torch zip checkpoint)", path);
}

TensorStore load_weights(const std::string& path) {
  if (std::filesystem::is_directory(path))
    fail("{}: is a folder; diffusers folders are loaded with load_diffusers", path);
  if (detect_weights_format(path) == "index") return load_sharded_index(path);
  return load_weights_file(path);
}

}  // namespace easel
