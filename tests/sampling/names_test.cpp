// Sampler and schedule names as A1111 accepts them: UI names, aliases, any case, and the pre-1.9
// combined names that carry the schedule ("DPM++ 2M Karras").
#include <gtest/gtest.h>

#include "sampling/sampler_registry.h"

namespace easel {
namespace {

TEST(Names, UiNamesAndAliases) {
  for (const auto& s : samplers()) {
    auto c = find_sampler(s.name);
    EXPECT_EQ(c.sampler, &s) << s.name;
    EXPECT_EQ(c.scheduler, nullptr);
    for (auto a : s.aliases) EXPECT_EQ(find_sampler(a).sampler, &s) << a;
  }
  EXPECT_EQ(find_sampler("k_euler_a").sampler->name, "Euler a");
  EXPECT_EQ(find_sampler("euler A").sampler->name, "Euler a");
  EXPECT_EQ(find_sampler("Euler Karras").sampler->name, "Euler");
  EXPECT_EQ(find_sampler("no such sampler").sampler, nullptr);
  EXPECT_EQ(samplers().size(), 20u);
}

TEST(Names, CombinedPre19Names) {
  struct Case { const char *in, *sampler, *sched; };
  const Case cases[] = {
      {"DPM++ 2M Karras", "DPM++ 2M", "Karras"},
      {"DPM++ SDE Karras", "DPM++ SDE", "Karras"},
      {"DPM++ 2M SDE Karras", "DPM++ 2M SDE", "Karras"},
      {"DPM++ 2M SDE Exponential", "DPM++ 2M SDE", "Exponential"},
      {"DPM++ 2M SDE Heun Karras", "DPM++ 2M SDE Heun", "Karras"},
      {"DPM++ 3M SDE Exponential", "DPM++ 3M SDE", "Exponential"},
      {"DPM2 a Karras", "DPM2 a", "Karras"},
      {"LMS Karras", "LMS", "Karras"},
      {"Euler SGMUniform", "Euler", "SGM Uniform"},
      {"Euler a Align Your Steps", "Euler a", "Align Your Steps"},
  };
  for (const auto& c : cases) {
    auto r = find_sampler(c.in);
    ASSERT_TRUE(r.sampler) << c.in;
    EXPECT_EQ(r.sampler->name, c.sampler) << c.in;
    ASSERT_TRUE(r.scheduler) << c.in;
    EXPECT_EQ(r.scheduler->label, c.sched) << c.in;
  }
}

TEST(Names, Schedulers) {
  for (const auto& s : schedulers()) {
    EXPECT_EQ(find_scheduler(s.name), &s);
    EXPECT_EQ(find_scheduler(s.label), &s);
  }
  EXPECT_EQ(find_scheduler("SGMUniform")->name, "sgm_uniform");
  EXPECT_EQ(find_scheduler("KARRAS")->name, "karras");
  EXPECT_EQ(find_scheduler("bogus"), nullptr);
  EXPECT_EQ(schedulers().size(), 12u);
}

}  // namespace
}  // namespace easel
