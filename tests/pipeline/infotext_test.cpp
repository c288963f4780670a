// Infotext: A1111's exact text layout and quoting, and parsing of current and pre-1.9 texts.
#include <gtest/gtest.h>

#include "pipeline/infotext.h"

using namespace easel;

TEST(Infotext, FormatsLikeA1111) {
  InfotextFields f = {{"Steps", "20"},          {"Sampler", "DPM++ 2M"}, {"Schedule type", "Karras"},
                      {"CFG scale", "7.0"},     {"Seed", "42"},          {"Size", "512x512"},
                      {"Model hash", "abcdef1234"}, {"Model", "v1-5, pruned"}, {"Clip skip", ""},
                      {"Lora hashes", "a: 1"},   {"Version", "easel 0.1.0"}};
  std::string t = format_infotext("a cat", "blurry", f);
  EXPECT_EQ(t,
            "a cat\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, "
            "Seed: 42, Size: 512x512, Model hash: abcdef1234, Model: \"v1-5, pruned\", Lora hashes: \"a: 1\", "
            "Version: easel 0.1.0");
  EXPECT_EQ(format_infotext("a cat", "", {{"Steps", "5"}}), "a cat\nSteps: 5");
  EXPECT_EQ(infotext_quote("say \"hi\", ok"), "\"say \\\"hi\\\", ok\"");
}

TEST(Infotext, ParsesCurrentFormat) {
  auto p = parse_infotext(
      "a cat, (red:1.2)\nsecond line\nNegative prompt: blurry, ugly\nmore neg\n"
      "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 42, Size: 512x768, "
      "Model: \"v1-5, pruned\", Lora hashes: \"a: 1\", Version: v1.10.1");
  EXPECT_EQ(p.prompt, "a cat, (red:1.2)\nsecond line");
  EXPECT_EQ(p.negative_prompt, "blurry, ugly\nmore neg");
  ASSERT_NE(p.get("Sampler"), nullptr);
  EXPECT_EQ(*p.get("Sampler"), "DPM++ 2M");
  EXPECT_EQ(*p.get("Schedule type"), "Karras");
  EXPECT_EQ(*p.get("Size"), "512x768");
  EXPECT_EQ(*p.get("Model"), "v1-5, pruned");
  EXPECT_EQ(*p.get("Lora hashes"), "a: 1");
  EXPECT_EQ(*p.get("Version"), "v1.10.1");
  EXPECT_EQ(p.get("Clip skip"), nullptr);
}

TEST(Infotext, ParsesOldFormatAndPromptOnly) {
  auto p = parse_infotext("girl\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 965400086, Size: 512x512, Model hash: 45dee52b");
  EXPECT_EQ(p.prompt, "girl");
  EXPECT_EQ(p.negative_prompt, "");
  EXPECT_EQ(*p.get("Sampler"), "DPM++ 2M Karras");
  EXPECT_EQ(*p.get("Model hash"), "45dee52b");
  // A last line with fewer than 3 fields is part of the prompt.
  auto q = parse_infotext("a dog\nstyle: watercolor");
  EXPECT_EQ(q.prompt, "a dog\nstyle: watercolor");
  EXPECT_TRUE(q.fields.empty());
}

TEST(Infotext, RoundTrip) {
  InfotextFields f = {{"Steps", "6"}, {"Sampler", "Euler a"}, {"Schedule type", "Automatic"}, {"CFG scale", "7.5"},
                      {"Seed", "1234567890123"}, {"Size", "64x64"}, {"Model", "weird: name, \"x\""}};
  auto p = parse_infotext(format_infotext("p, with: colon", "n", f));
  EXPECT_EQ(p.prompt, "p, with: colon");
  EXPECT_EQ(p.negative_prompt, "n");
  EXPECT_EQ(p.fields, f);
}

TEST(Infotext, PyFloat) {
  EXPECT_EQ(py_float(7), "7.0");
  EXPECT_EQ(py_float(0.75), "0.75");
  EXPECT_EQ(py_float(0.1), "0.1");
  EXPECT_EQ(py_float(1.0 / 3), "0.3333333333333333");
}
