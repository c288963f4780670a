// The CPU backend: oneDNN convolutions / matmuls with weights prepared once, and vectorised,
// threaded kernels for everything else. Ops not overridden here fall back to the reference loops.
#pragma once
#include "backend/ref/ref_backend.h"

namespace easel {

class CpuBackend : public RefBackend {
 public:
  std::string name() const override { return "cpu"; }
};

}  // namespace easel
