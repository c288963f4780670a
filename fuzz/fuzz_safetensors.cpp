// libFuzzer target: the safetensors header parser and view construction on arbitrary bytes.
// Any outcome but a value or easel::Error (a crash, a sanitizer report, a hang) is a bug.
#include <cstdint>
#include <cstring>

#include "core/error.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    easel::TensorStore s = easel::safetensors_from_memory(data, size, nullptr, "fuzz");
    // Read every byte of every view so an out-of-range view trips AddressSanitizer.
    volatile uint8_t sink = 0;
    for (auto& [name, t] : s.tensors) {
      const auto* p = static_cast<const uint8_t*>(t.raw());
      for (size_t i = 0; i < t.nbytes(); ++i) sink ^= p[i];
      if (t.numel() <= 4096) (void)t.to_f32();
    }
  } catch (const easel::Error&) {
  }
  return 0;
}
