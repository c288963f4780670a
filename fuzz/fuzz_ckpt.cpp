// libFuzzer target: a whole torch zip checkpoint (zip directory, pickle, tensor rebuild) from memory.
#include <cstdint>

#include "core/error.h"
#include "io/torch_zip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    easel::TensorStore s = easel::torch_zip_from_memory(data, size, nullptr, "fuzz");
    volatile uint8_t sink = 0;
    for (auto& [name, t] : s.tensors) {
      const auto* p = static_cast<const uint8_t*>(t.raw());
      for (size_t i = 0; i < t.nbytes(); ++i) sink ^= p[i];
    }
  } catch (const easel::Error&) {
  }
  return 0;
}
