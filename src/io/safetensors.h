// safetensors reader (mmap, zero-copy views, every header field validated before use) and writer.
#pragma once
#include <string>

#include "io/tensor_store.h"

namespace easel {

// Opens and validates a .safetensors file; tensors are views on the mapped file.
TensorStore load_safetensors(const std::string& path);

// Writes tensors (in name order, 8-byte aligned header) with optional metadata.
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace easel
