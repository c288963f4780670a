// safetensors: 8-byte little-endian header length, JSON header, then the data section.
// Everything in the header is checked before a view is made (sizes, ranges, overlaps, dtypes).
#include "io/safetensors.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "core/mapped_file.h"

namespace easel {

namespace {
// A header larger than this is refused before parsing (real files have < 1 MiB headers).
constexpr uint64_t kMaxHeader = 100ull << 20;
// JSON nesting deeper than this is refused (a valid header nests 3 levels).
constexpr int kMaxJsonDepth = 16;

// Parses JSON rejecting duplicate object keys (nlohmann would silently keep the last one,
// letting two readers of the same file disagree on a tensor's range) and absurd nesting.
nlohmann::json parse_strict_json(const char* b, const char* e, const std::string& what) {
  std::vector<std::set<std::string>> open;
  std::string dup;
  bool too_deep = false;
  auto cb = [&](int depth, nlohmann::json::parse_event_t ev, nlohmann::json& v) {
    using E = nlohmann::json::parse_event_t;
    if (ev == E::object_start || ev == E::array_start) {
      if (depth >= kMaxJsonDepth) too_deep = true;
      if (ev == E::object_start) open.emplace_back();
    } else if (ev == E::object_end) {
      if (!open.empty()) open.pop_back();
    } else if (ev == E::key && !open.empty() && dup.empty()) {
      if (!open.back().insert(v.get<std::string>()).second) dup = v.get<std::string>();
    }
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(b, e, cb);
  } catch (const std::exception& ex) {
    fail("{}: header is not valid JSON: {}", what, ex.what());
  }
  if (too_deep) fail("{}: header JSON nests deeper than {} levels", what, kMaxJsonDepth);
  if (!dup.empty()) fail("{}: header JSON has the key '{}' twice", what, dup);
  return j;
}

SafetensorsEntry parse_entry(const std::string& name, const nlohmann::json& v, uint64_t data_size,
                             const std::string& what) {
  SafetensorsEntry t;
  t.name = name;
  if (!v.is_object()) fail("{}: tensor '{}': entry must be an object", what, name);
  auto dt = v.find("dtype");
  if (dt == v.end() || !dt->is_string()) fail("{}: tensor '{}': missing string field 'dtype'", what, name);
  auto dtype = dtype_from_name(dt->get<std::string>());
  if (!dtype) fail("{}: tensor '{}': unknown dtype '{}'", what, name, dt->get<std::string>());
  t.dtype = *dtype;
  auto sh = v.find("shape");
  if (sh == v.end() || !sh->is_array()) fail("{}: tensor '{}': missing array field 'shape'", what, name);
  if (sh->size() > 16) fail("{}: tensor '{}': shape has {} dimensions (at most 16)", what, name, sh->size());
  uint64_t numel = 1;
  for (auto& d : *sh) {
    if (!d.is_number_unsigned()) fail("{}: tensor '{}': shape entries must be non-negative integers", what, name);
    uint64_t x = d.get<uint64_t>();
    // No real tensor has 2^48 elements; the bound keeps numel * 8 far from overflow.
    if (x > (1ull << 48) || (x && numel > (1ull << 48) / x))
      fail("{}: tensor '{}': shape {} is absurdly large", what, name, sh->dump());
    numel *= x;
    t.shape.push_back(int64_t(x));
  }
  auto off = v.find("data_offsets");
  if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
      !(*off)[1].is_number_unsigned())
    fail("{}: tensor '{}': 'data_offsets' must be [begin, end] non-negative integers", what, name);
  t.begin = (*off)[0].get<uint64_t>();
  t.end = (*off)[1].get<uint64_t>();
  if (t.begin > t.end || t.end > data_size)
    fail("{}: tensor '{}': data_offsets [{}, {}] outside the data section ({} bytes)", what, name, t.begin,
         t.end, data_size);
  uint64_t need = numel * dtype_size(t.dtype);
  if (t.end - t.begin != need)
    fail("{}: tensor '{}': shape {} x {} needs {} bytes but data_offsets span {}", what, name,
         shape_str(t.shape), dtype_name(t.dtype), need, t.end - t.begin);
  return t;
}
}  // namespace

SafetensorsHeader parse_safetensors_header(const uint8_t* base, size_t size, const std::string& what) {
  if (size < 8) fail("{}: not a safetensors file: {} bytes, need at least 8 for the header length", what, size);
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; --i) hlen = hlen << 8 | base[i];
  if (hlen > kMaxHeader) fail("{}: safetensors header length {} exceeds the {} byte limit", what, hlen, kMaxHeader);
  if (hlen > size - 8)
    fail("{}: safetensors header length {} runs past the end of the file ({} bytes)", what, hlen, size);
  if (hlen < 2 || base[8] != '{') fail("{}: safetensors header must be a JSON object starting with '{{'", what);
  auto header = parse_strict_json(reinterpret_cast<const char*>(base + 8),
                                  reinterpret_cast<const char*>(base + 8 + hlen), what);
  if (!header.is_object()) fail("{}: safetensors header must be a JSON object", what);

  SafetensorsHeader h;
  h.data_start = 8 + hlen;
  const uint64_t data_size = size - h.data_start;
  for (auto& [name, v] : header.items()) {
    if (name == "__metadata__") {
      if (!v.is_object()) fail("{}: __metadata__ must be an object of strings", what);
      for (auto& [k, s] : v.items()) {
        if (!s.is_string()) fail("{}: __metadata__['{}'] must be a string, got {}", what, k, s.type_name());
        h.metadata[k] = s.get<std::string>();
      }
      continue;
    }
    h.tensors.push_back(parse_entry(name, v, data_size, what));
  }
  // Overlap check on non-empty ranges sorted by start.
  std::vector<const SafetensorsEntry*> byoff;
  for (auto& t : h.tensors)
    if (t.end > t.begin) byoff.push_back(&t);
  std::sort(byoff.begin(), byoff.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < byoff.size(); ++i)
    if (byoff[i]->begin < byoff[i - 1]->end)
      fail("{}: tensors '{}' [{}, {}] and '{}' [{}, {}] overlap", what, byoff[i - 1]->name, byoff[i - 1]->begin,
           byoff[i - 1]->end, byoff[i]->name, byoff[i]->begin, byoff[i]->end);
  return h;
}

TensorStore safetensors_from_memory(const uint8_t* base, size_t size, std::shared_ptr<const void> holder,
                                    const std::string& what) {
  auto h = parse_safetensors_header(base, size, what);
  TensorStore store;
  store.format = "safetensors";
  store.path = what;
  store.metadata = std::move(h.metadata);
  size_t copied = 0;
  for (auto& t : h.tensors) {
    auto* p = const_cast<uint8_t*>(base + h.data_start + t.begin);
    Tensor v = Tensor::view(t.shape, t.dtype, p, holder);
    // A header whose length is not a multiple of 8 misaligns the data; typed loads from such a
    // view would be undefined, so those tensors get an aligned copy.
    if (reinterpret_cast<uintptr_t>(p) % dtype_size(t.dtype) != 0) {
      v = v.clone();
      ++copied;
    }
    store.tensors.emplace(t.name, std::move(v));
  }
  if (copied) log_debug("{}: {} misaligned tensors copied", what, copied);
  return store;
}

TensorStore load_safetensors(const std::string& path) {
  auto file = MappedFile::open(path);
  return safetensors_from_memory(file->data(), file->size(), file, path);
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
