// Op conformance: every case of op_cases.cpp on the cpu backend against the reference backend,
// with 1 and 2 threads, under the case's NMSE bound (0 = bit-identical).
#include <gtest/gtest.h>

#include <cstdio>

#include "common/oracle.h"
#include "core/thread_pool.h"
#include "ops/op_cases.h"

namespace easel::test {
namespace {

class Conformance : public ::testing::TestWithParam<size_t> {};

const std::vector<OpCase>& cases() {
  static const std::vector<OpCase> c = conformance_cases();
  return c;
}

TEST_P(Conformance, CpuMatchesRef) {
  const OpCase& c = cases()[GetParam()];
  auto ref = make_backend("ref");
  Tensor want = c.build(*ref)().clone();
  auto cpu = make_backend("cpu");
  const int saved = num_threads();
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    auto run = c.build(*cpu);
    Tensor got = run().clone();
    Tensor again = run();  // a second run reuses cached primitives / scratch: must give the same
    ASSERT_EQ(got.shape(), want.shape());
    Diff d = compare(got.f32(), want.f32(), size_t(want.numel()));
    Diff d2 = compare(again.f32(), got.f32(), size_t(got.numel()));
    std::printf("  %-44s threads=%d nmse=%.3e max_abs=%.3e (bound %.0e)\n", c.name.c_str(), threads, d.nmse,
                d.max_abs, c.nmse_bound);
    if (c.nmse_bound == 0)
      EXPECT_EQ(d.max_abs, 0.0) << c.name << " threads=" << threads;
    else
      EXPECT_LE(d.nmse, c.nmse_bound) << c.name << " threads=" << threads << " max_abs=" << d.max_abs;
    EXPECT_EQ(d2.max_abs, 0.0) << c.name << ": second run differs";
  }
  set_num_threads(saved);
}

std::string case_name(const ::testing::TestParamInfo<size_t>& i) {
  std::string n;
  for (char ch : cases()[i.param].name) n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return n + "_" + std::to_string(i.param);
}

INSTANTIATE_TEST_SUITE_P(Ops, Conformance, ::testing::Range<size_t>(0, cases().size()), case_name);

}  // namespace
}  // namespace easel::test
