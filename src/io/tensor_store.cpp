// TensorStore lookups.
#include "io/tensor_store.h"

#include "core/error.h"

namespace easel {

const Tensor& TensorStore::at(const std::string& name) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) fail("{}: no tensor named '{}'", path, name);
  return it->second;
}

}  // namespace easel
