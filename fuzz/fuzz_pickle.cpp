// libFuzzer target: the allow-list pickle VM on arbitrary bytes, then a rendering of the result.
#include <cstdint>

#include "core/error.h"
#include "io/pickle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    easel::pickle::Heap h = easel::pickle::run(data, size, "fuzz");
    (void)easel::pickle::repr(h, h.root, 4096);
  } catch (const easel::Error&) {
  }
  return 0;
}
