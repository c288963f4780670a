// The CPU convolution in bands of output rows (what large VAE activations take) against the
// reference backend: every conv case of op_cases.cpp with band budgets of one row and a few rows,
// so band edges meet the padding, strides and the fused residual.
#include <gtest/gtest.h>

#include <cstdio>

#include "backend/cpu/cpu_backend.h"
#include "common/oracle.h"
#include "core/thread_pool.h"
#include "ops/op_cases.h"

namespace easel::test {
namespace {

TEST(ConvBands, MatchRefAtEveryBandSize) {
  int checked = 0;
  for (const OpCase& c : conformance_cases()) {
    if (c.name.rfind("conv", 0) != 0) continue;
    auto ref = make_backend("ref");
    Tensor want = c.build(*ref)().clone();
    for (size_t budget : {size_t(1), size_t(48) << 10}) {
      CpuBackend cpu;
      cpu.conv_band_bytes = budget;
      auto run = c.build(cpu);
      Tensor got = run().clone();
      Tensor again = run();
      Diff d = compare(got.f32(), want.f32(), size_t(want.numel()));
      Diff d2 = compare(again.f32(), got.f32(), size_t(got.numel()));
      std::printf("  %-44s band budget %6zu B: nmse=%.3e max_abs=%.3e\n", c.name.c_str(), budget, d.nmse, d.max_abs);
      EXPECT_LE(d.nmse, c.nmse_bound) << c.name << " budget " << budget;
      EXPECT_EQ(d2.max_abs, 0.0) << c.name << ": second run differs";
      ++checked;
    }
  }
  EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace easel::test
