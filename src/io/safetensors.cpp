// safetensors: 8-byte little-endian header length, JSON header, then the data section.
// Everything in the header is checked before a view is made (sizes, ranges, overlaps, dtypes).
#include "io/safetensors.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"
#include "core/mapped_file.h"

namespace easel {

namespace {
// A header larger than this is refused before parsing (real files have < 1 MiB headers).
constexpr uint64_t kMaxHeader = 100ull << 20;
}  // namespace

TensorStore load_safetensors(const std::string& path) {
  auto file = MappedFile::open(path);
  const uint8_t* base = file->data();
  const size_t size = file->size();
  if (size < 8) fail("{}: not a safetensors file: {} bytes, need at least 8 for the header length", path, size);
  uint64_t hlen = 0;
  std::memcpy(&hlen, base, 8);
  if (hlen > kMaxHeader) fail("{}: safetensors header length {} exceeds the {} byte limit", path, hlen, kMaxHeader);
  if (hlen > size - 8) fail("{}: safetensors header length {} runs past the end of the file ({} bytes)", path, hlen, size);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(base + 8, base + 8 + hlen);
  } catch (const std::exception& e) {
    fail("{}: safetensors header is not valid JSON: {}", path, e.what());
  }
  if (!header.is_object()) fail("{}: safetensors header must be a JSON object", path);

  const uint64_t data_start = 8 + hlen;
  const uint64_t data_size = size - data_start;
  TensorStore store;
  store.format = "safetensors";
  store.path = path;
  struct Range {
    uint64_t b, e;
    std::string name;
  };
  std::vector<Range> ranges;
  for (auto& [name, v] : header.items()) {
    if (name == "__metadata__") {
      if (!v.is_object()) fail("{}: __metadata__ must be an object of strings", path);
      for (auto& [k, s] : v.items()) {
        if (!s.is_string()) fail("{}: __metadata__['{}'] must be a string", path, k);
        store.metadata[k] = s.get<std::string>();
      }
      continue;
    }
    if (!v.is_object()) fail("{}: tensor '{}': entry must be an object", path, name);
    if (!v.contains("dtype") || !v["dtype"].is_string()) fail("{}: tensor '{}': missing string field 'dtype'", path, name);
    auto dt = dtype_from_name(v["dtype"].get<std::string>());
    if (!dt) fail("{}: tensor '{}': unknown dtype '{}'", path, name, v["dtype"].get<std::string>());
    if (!v.contains("shape") || !v["shape"].is_array()) fail("{}: tensor '{}': missing array field 'shape'", path, name);
    Shape shape;
    uint64_t numel = 1;
    for (auto& d : v["shape"]) {
      if (!d.is_number_unsigned()) fail("{}: tensor '{}': shape entries must be non-negative integers", path, name);
      uint64_t x = d.get<uint64_t>();
      if (x > (1ull << 40) || (x && numel > (1ull << 50) / x)) fail("{}: tensor '{}': absurd shape", path, name);
      numel *= x;
      shape.push_back(int64_t(x));
    }
    auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      fail("{}: tensor '{}': 'data_offsets' must be [begin, end] non-negative integers", path, name);
    uint64_t b = off[0].get<uint64_t>(), e = off[1].get<uint64_t>();
    if (b > e || e > data_size)
      fail("{}: tensor '{}': data_offsets [{}, {}] outside the data section ({} bytes)", path, name, b, e, data_size);
    uint64_t need = numel * dtype_size(*dt);
    if (e - b != need)
      fail("{}: tensor '{}': shape {} x {} needs {} bytes but data_offsets span {}", path, name, shape_str(shape),
           dtype_name(*dt), need, e - b);
    ranges.push_back({b, e, name});
    store.tensors[name] = Tensor::view(shape, *dt, const_cast<uint8_t*>(base + data_start + b), file);
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.b < b.b; });
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].b < ranges[i - 1].e && ranges[i].e > ranges[i].b && ranges[i - 1].e > ranges[i - 1].b)
      fail("{}: tensors '{}' and '{}' overlap", path, ranges[i - 1].name, ranges[i].name);
  return store;
}

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t off = 0;
  for (auto& [name, t] : tensors) {
    header[name] = {{"dtype", std::string(dtype_name(t.dtype()))},
                    {"shape", t.shape()},
                    {"data_offsets", {off, off + t.nbytes()}}};
    off += t.nbytes();
  }
  std::string h = header.dump();
  while ((h.size() + 8) % 8) h += ' ';
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) fail("{}: cannot open for writing", path);
  uint64_t hl = h.size();
  bool ok = std::fwrite(&hl, 8, 1, f) == 1 && std::fwrite(h.data(), 1, h.size(), f) == h.size();
  for (auto& [name, t] : tensors)
    if (ok && t.nbytes()) ok = std::fwrite(t.raw(), 1, t.nbytes(), f) == t.nbytes();
  if (std::fclose(f) != 0 || !ok) fail("{}: write failed", path);
}

}  // namespace easel
