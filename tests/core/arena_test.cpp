// Arena: marks release, peak is tracked, consolidation keeps capacity for the peak.
#include <gtest/gtest.h>

#include "core/arena.h"

using namespace easel;

TEST(Arena, MarkReleaseReuse) {
  Arena a;
  auto m = a.mark();
  Tensor x = a.alloc({1000});
  Tensor y = a.alloc({4000});
  EXPECT_NE(x.raw(), y.raw());
  EXPECT_GE(a.in_use(), 5000u * 4);
  a.release(m);
  EXPECT_EQ(a.in_use(), 0u);
  Tensor z = a.alloc({1000});
  EXPECT_EQ(z.raw(), x.raw());  // reused
  a.release(m);
  a.alloc({1 << 20});  // forces a second block
  a.release(m);
  size_t peak = a.peak();
  a.consolidate();
  EXPECT_GE(a.reserved(), peak);
  Tensor w = a.alloc({1 << 20});
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.raw()) % 64, 0u);
}
