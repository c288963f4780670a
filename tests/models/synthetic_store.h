// Stores with real names and shapes but no real data (for detection / config inference tests):
// every tensor views one shared zero buffer, so full-size SDXL layouts cost no memory. Only
// shapes may be read from them (plus the small text projections the OpenCLIP map transposes).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "io/tensor_store.h"
#include "naming/arch_layout.h"

namespace easel::test {

inline TensorStore shape_only_store(const std::vector<naming::TensorSpec>& specs, const std::string& path = "<synthetic>") {
  static std::shared_ptr<float> zeros(new float[2u << 20](), std::default_delete<float[]>());
  TensorStore s;
  s.format = "synthetic";
  s.path = path;
  for (auto& t : specs) s.tensors[t.name] = Tensor::view(t.shape, t.dtype, zeros.get(), zeros);
  return s;
}

inline int64_t numel_of(const std::vector<naming::TensorSpec>& specs) {
  int64_t n = 0;
  for (auto& t : specs)
    if (dtype_is_float(t.dtype)) n += shape_numel(t.shape);
  return n;
}

}  // namespace easel::test
