// safetensors reader (mmap, zero-copy views, every header field validated before use), the
// sharded-index loader (*.safetensors.index.json) and the writer.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/tensor_store.h"

namespace easel {

// Opens and validates a .safetensors file; tensors are views on the mapped file.
TensorStore load_safetensors(const std::string& path);

// One validated header entry; [begin, end) is relative to the data section.
struct SafetensorsEntry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin = 0, end = 0;
};
struct SafetensorsHeader {
  uint64_t data_start = 0;  // 8 + header length
  std::vector<SafetensorsEntry> tensors;  // header order
  std::map<std::string, std::string> metadata;
};
// Parses and validates the header of a safetensors image held in memory (`what` names it in
// errors). Every range is checked against `size`; nothing is dereferenced past it.
SafetensorsHeader parse_safetensors_header(const uint8_t* data, size_t size, const std::string& what);
// Validates and wraps an in-memory safetensors image; views keep `holder` alive.
TensorStore safetensors_from_memory(const uint8_t* data, size_t size, std::shared_ptr<const void> holder,
                                    const std::string& what);

// A sharded model: the index's "weight_map" (tensor -> shard file in the same folder). Every
// shard is loaded (safetensors or torch zip) and must hold exactly the tensors the map gives it.
TensorStore load_sharded_index(const std::string& index_path);

// Writes tensors (in name order, 8-byte aligned header) with optional metadata.
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace easel
