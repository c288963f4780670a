// GenerationParams: validation messages, infotext writing in A1111's order, and reading back.
#include <gtest/gtest.h>

#include "core/error.h"
#include "pipeline/params.h"

using namespace easel;

TEST(Params, InfotextOrderAndOptionalFields) {
  GenerationParams p;
  p.prompt = "a cat";
  p.negative_prompt = "blurry";
  p.steps = 20;
  p.sampler = "DPM++ 2M";
  p.cfg_scale = 7;
  p.width = 512;
  p.height = 768;
  p.model_hash = "6ce0161689";
  p.model_name = "v1-5-pruned-emaonly";
  EXPECT_EQ(make_infotext(p, 42, 43, "Karras", "v1.10.1"),
            "a cat\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, "
            "Seed: 42, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1");
  p.clip_skip = 2;
  p.rng = "CPU";
  p.subseed_strength = 0.25;
  p.ensd = 31337;
  std::string t = make_infotext(p, 42, 7, "Karras", "v1.10.1");
  EXPECT_NE(t.find("Variation seed: 7, Variation seed strength: 0.25, Clip skip: 2, ENSD: 31337, RNG: CPU, Version"),
            std::string::npos)
      << t;
}

TEST(Params, RoundTripThroughInfotext) {
  GenerationParams p;
  p.prompt = "(red:1.5) circle, [a|b]";
  p.negative_prompt = "green";
  p.steps = 13;
  p.sampler = "Euler a";
  p.cfg_scale = 6.5;
  p.width = 128;
  p.height = 64;
  p.clip_skip = 2;
  p.rng = "CPU";
  p.eta = 0.5;
  auto back = params_from_infotext(make_infotext(p, 123456789012, 0, "Automatic"));
  EXPECT_EQ(back.prompt, p.prompt);
  EXPECT_EQ(back.negative_prompt, p.negative_prompt);
  EXPECT_EQ(back.steps, 13);
  EXPECT_EQ(back.sampler, "Euler a");
  EXPECT_EQ(back.scheduler, "Automatic");
  EXPECT_EQ(back.cfg_scale, 6.5);
  EXPECT_EQ(back.seed, 123456789012);
  EXPECT_EQ(back.width, 128);
  EXPECT_EQ(back.height, 64);
  EXPECT_EQ(back.clip_skip, 2);
  EXPECT_EQ(back.rng, "CPU");
  ASSERT_TRUE(back.eta.has_value());
  EXPECT_EQ(*back.eta, 0.5);
}

TEST(Params, OldFormatDefaults) {
  auto p = params_from_infotext("girl\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 965400086, Size: 512x512, Model hash: 45dee52b");
  EXPECT_EQ(p.sampler, "DPM++ 2M Karras");
  EXPECT_EQ(p.scheduler, "Automatic");
  EXPECT_EQ(p.clip_skip, 1);
  EXPECT_EQ(p.rng, "GPU");
  EXPECT_EQ(p.model_hash, "45dee52b");
  EXPECT_THROW(params_from_infotext("x\nSteps: many, Sampler: Euler, Seed: 1"), Error);
}

TEST(Params, ValidationNamesTheField) {
  GenerationParams p;
  p.width = 500;
  try {
    validate(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("width"), std::string::npos);
  }
  p.width = 512;
  p.steps = -1;
  EXPECT_THROW(validate(p), Error);
  p.steps = 20;
  p.rng = "tpu";
  EXPECT_THROW(validate(p), Error);
  p.rng = "GPU";
  EXPECT_NO_THROW(validate(p));
}
