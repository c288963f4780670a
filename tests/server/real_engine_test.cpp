// The server over the real pipeline (tiny oracle model): images identical to calling the
// Generator directly, infotext in the PNG, model listing with hashes, real token counts,
// img2img, and interrupt on a running sampler.
#include <gtest/gtest.h>

#include <future>

#include "pipeline/generate.h"
#include "server_fixture.h"
#include "tiny_engine.h"

namespace easel::test {
namespace {

TEST(ServerRealEngine, Txt2ImgMatchesGeneratorAndCarriesInfotext) {
  auto svc = tiny_service();
  if (!svc) GTEST_SKIP() << "no tiny-sd15 in " << oracle_dir();
  Running s(*svc);
  const json req = {{"prompt", "a red (cube:1.2) on a table"}, {"negative_prompt", "blurry"}, {"steps", 4},
                    {"width", 64}, {"height", 64}, {"seed", 5}, {"sampler_name", "Euler a"}, {"batch_size", 2}};
  Reply r = s.post("/sdapi/v1/txt2img", req);
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["images"].size(), 2u);
  json info = json::parse(r.body["info"].get<std::string>());
  EXPECT_EQ(info["sd_model_name"], "tiny-sd15");
  EXPECT_EQ(info["all_seeds"], json({5, 6}));

  // The same job straight through the pipeline.
  auto opts = tiny_service_options();
  auto model = SDModel::load(opts.extra_models[0], opts.load);
  GenerationParams p;
  p.prompt = req["prompt"], p.negative_prompt = "blurry", p.steps = 4, p.width = 64, p.height = 64, p.seed = 5;
  p.sampler = "Euler a", p.batch_size = 2;
  Generator gen(*model);
  auto want = gen.generate(p);
  ASSERT_EQ(want.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    Image got = reply_image(r, i);
    EXPECT_EQ(got.width, 64);
    EXPECT_TRUE(got.rgb == want[i].image.rgb) << "image " << i << " differs from the Generator's";
    EXPECT_EQ(got.text.at("parameters"), want[i].infotext);
    EXPECT_EQ(info["infotexts"][i], want[i].infotext);
  }
  EXPECT_NE(want[1].infotext.find("Seed: 6"), std::string::npos) << want[1].infotext;
  std::printf("real engine infotext: %s\n", want[0].infotext.c_str());

  // After loading, the checkpoint's title carries its hash, and options name it.
  Reply m = s.get("/sdapi/v1/sd-models");
  ASSERT_EQ(m.body.size(), 1u);
  EXPECT_EQ(m.body[0]["model_name"], "tiny-sd15");
  EXPECT_EQ(m.body[0]["title"], "tiny-sd15.safetensors [" + model->hash_autov2() + "]");
  EXPECT_EQ(s.post("/sdapi/v1/options", {{"sd_model_checkpoint", m.body[0]["title"]}}).status, 200);
  EXPECT_EQ(s.post("/sdapi/v1/txt2img", {{"override_settings", {{"sd_model_checkpoint", "tiny-sd15"}}}, {"steps", 1}, {"width", 64}, {"height", 64}}).status, 200);

  Reply t = s.post("/easel/v1/token-count", {{"prompt", "a cat, a dog"}});
  ASSERT_EQ(t.status, 200) << t.raw;
  EXPECT_EQ(t.body["token_count"], 5);  // a, cat, ",", a, dog
  EXPECT_EQ(t.body["max_length"], 75);

  Reply i2i = s.post("/sdapi/v1/img2img", {{"init_images", {r.body["images"][0]}}, {"prompt", "x"}, {"steps", 4},
                                           {"width", 64}, {"height", 64}, {"denoising_strength", 0.5}, {"seed", 3}});
  ASSERT_EQ(i2i.status, 200) << i2i.raw;
  Image out = reply_image(i2i, 0);
  EXPECT_NE(out.text.at("parameters").find("Denoising strength: 0.5"), std::string::npos) << out.text.at("parameters");
}

TEST(ServerRealEngine, InterruptStopsTheSampler) {
  auto svc = tiny_service();
  if (!svc) GTEST_SKIP() << "no tiny-sd15 in " << oracle_dir();
  Running s(*svc);
  auto fut = std::async(std::launch::async, [&] {
    return s.post("/sdapi/v1/txt2img", {{"prompt", "x"}, {"steps", 5000}, {"width", 64}, {"height", 64}, {"sampler_name", "Euler"}});
  });
  json p;
  for (int i = 0; i < 3000; ++i) {  // bounded: model load + a few steps
    p = s.get("/sdapi/v1/progress").body;
    if (p["state"]["sampling_step"].get<int>() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE(p["state"]["sampling_step"].get<int>(), 3) << p.dump();
  const auto t0 = std::chrono::steady_clock::now();
  s.post("/sdapi/v1/interrupt", json::object());
  Reply r = fut.get();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_TRUE(json::parse(r.body["info"].get<std::string>())["interrupted"].get<bool>());
  // As A1111: the interrupted batch is decoded from the sampler's last prediction and returned.
  ASSERT_EQ(r.body["images"].size(), 1u) << r.raw.substr(0, 300);
  Image got = reply_image(r, 0);
  EXPECT_EQ(got.width, 64);
  std::printf("real engine: interrupted at step %d of 5000, response %.1f ms after /interrupt\n",
              p["state"]["sampling_step"].get<int>(), ms);
  EXPECT_LT(ms, 2000);
}

}  // namespace
}  // namespace easel::test
