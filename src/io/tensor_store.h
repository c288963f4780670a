// TensorStore: what every weight-file reader returns — named tensors (views on mmap'd file
// bytes where possible, in the file's own dtype) plus string metadata and the format it came from.
#pragma once
#include <map>
#include <string>

#include "core/tensor.h"

namespace easel {

struct TensorStore {
  std::string format;  // "safetensors", "ckpt", "diffusers", ...
  std::string path;
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;

  bool has(const std::string& name) const { return tensors.count(name) != 0; }
  // Throws Error naming the tensor and the store's path when absent.
  const Tensor& at(const std::string& name) const;
};

}  // namespace easel
