// The pieces around the oracle: extra-network tags, the conditioning request/plan, batch padding
// of schedule entries to one chunk count, and the sampler's schedule lookup.
#include <gtest/gtest.h>

#include "core/error.h"

#include "text/conditioning.h"
#include "text/extra_networks.h"
#include "text/schedule.h"
#include "text_test_util.h"

using namespace easel;
using namespace easel::test;

TEST(ExtraNetworks, TagsAreRemovedAndSplit) {
  auto e = text::extract_extra_networks("a cat <lora:add_detail:0.8>, <hypernet:foo:1:2> <bad> <:x> <a b:c> end");
  EXPECT_EQ(e.text, "a cat ,  <bad> <:x> <a b:c> end");
  ASSERT_EQ(e.tags.size(), 2u);
  EXPECT_EQ(e.tags[0], (text::ExtraNetworkTag{"lora", {"add_detail", "0.8"}}));
  EXPECT_EQ(e.tags[1], (text::ExtraNetworkTag{"hypernet", {"foo", "1", "2"}}));
  EXPECT_TRUE(text::extract_extra_networks("<lora:x>").text.empty());
  EXPECT_EQ(text::extract_extra_networks("<lora:>").text, "<lora:>");  // [^>]+ needs one character
}

TEST(Conditioning, RequestPlan) {
  auto tok = oracle_tokenizer();
  text::ConditioningRequest req;
  req.prompt = "<lora:x:0.5>a [cat|dog] AND (house:1.2) :0.7";
  req.negative_prompt = "ugly AND blurry";  // never split
  req.steps = 4;
  req.options.clip_skip = 2;
  auto plan = text::plan_conditioning(*tok, req);
  EXPECT_EQ(plan.clip_skip, 2);
  ASSERT_EQ(plan.extra_networks.size(), 1u);
  ASSERT_EQ(plan.cond.subprompts.size(), 2u);
  EXPECT_EQ(*plan.cond.subprompts[0].weight, 1.0);
  EXPECT_EQ(*plan.cond.subprompts[1].weight, 0.7);
  EXPECT_EQ(plan.cond.subprompts[0].schedule.size(), 4u);  // alternation: one entry per step
  EXPECT_EQ(plan.cond.subprompts[0].schedule[1].text, "a dog");  // the AND split strips trailing space
  ASSERT_EQ(plan.uncond.subprompts.size(), 1u);
  EXPECT_FALSE(plan.uncond.subprompts[0].weight.has_value());
  EXPECT_EQ(plan.uncond.subprompts[0].text, "ugly AND blurry");
}

TEST(Conditioning, ScheduleEntriesShareChunkCount) {
  auto tok = oracle_tokenizer();
  std::string long_part;
  for (int i = 0; i < 30; ++i) long_part += "cat dog bird ";
  auto plan = text::plan_prompt(*tok, "[short:" + long_part + ":2]", {10, std::nullopt, false}, {}, false);
  auto& s = plan.subprompts[0].schedule;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].chunks.size(), s[1].chunks.size());
  EXPECT_EQ(s[0].chunks.size(), 2u);
  EXPECT_EQ(s[0].chunks[1], text::empty_chunk(*tok));  // padding chunk for the short text
  EXPECT_EQ(s[0].token_count, 1);
}

TEST(Schedule, IndexAtStep) {
  text::PromptSchedule s{{5, "a"}, {20, "b"}};
  EXPECT_EQ(text::schedule_index_at(s, 0), 0u);
  EXPECT_EQ(text::schedule_index_at(s, 5), 0u);  // [a:b:5] uses a for calls 0..5
  EXPECT_EQ(text::schedule_index_at(s, 6), 1u);
  EXPECT_EQ(text::schedule_index_at(s, 99), 0u);  // past the end: entry 0, as webui does
}

TEST(Schedule, AmbiguityIsReported) {
  text::ScheduleOptions o{10, std::nullopt, false};
  EXPECT_TRUE(text::schedule_is_ambiguous("[a:b:5]]", o));
  EXPECT_FALSE(text::schedule_is_ambiguous("[a:b:5]x", o));
  EXPECT_FALSE(text::schedule_is_ambiguous("[a|b]]", o));  // an alternate can never be literal text
}

TEST(Schedule, NonFiniteStepIsAnError) {
  EXPECT_THROW(text::prompt_schedule("[a:b:1e999]", {10, std::nullopt, false}), Error);
}
