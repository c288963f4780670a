// The /sdapi/v1 endpoints over real HTTP against the test double: A1111's response shapes,
// request defaults and echo, infotext/override_settings/options, png-info, errors.
#include <gtest/gtest.h>

#include "fake_service.h"
#include "pipeline/infotext.h"
#include "server_fixture.h"

namespace easel::test {
namespace {

json small(json extra = json::object()) {
  json r = {{"prompt", "a red cube"}, {"negative_prompt", "blurry"}, {"steps", 3}, {"width", 64}, {"height", 64},
            {"seed", 1234}, {"sampler_name", "Euler a"}};
  r.update(extra);
  return r;
}

TEST(ServerApi, ListEndpointsHaveA1111Shapes) {
  FakeService svc;
  Running s(svc);
  Reply m = s.get("/sdapi/v1/sd-models");
  ASSERT_EQ(m.status, 200) << m.raw;
  ASSERT_EQ(m.body.size(), 2u);
  for (const char* k : {"title", "model_name", "hash", "sha256", "filename", "config"}) EXPECT_TRUE(m.body[0].contains(k)) << k;
  EXPECT_EQ(m.body[0]["title"], "alpha.safetensors [0123456789]");
  // easel's extra key: the side the checkpoint was trained at, null when unknown.
  ASSERT_TRUE(m.body[0].contains("easel_native_size")) << m.raw;
  EXPECT_TRUE(m.body[0]["easel_native_size"].is_null()) << m.raw;
  EXPECT_EQ(m.body[1]["easel_native_size"], 128) << m.raw;
  EXPECT_TRUE(m.body[1]["config"].is_null());  // A1111's own fields are untouched

  Reply sm = s.get("/sdapi/v1/samplers");
  ASSERT_EQ(sm.status, 200);
  bool euler = false;
  for (auto& x : sm.body) {
    EXPECT_TRUE(x.contains("aliases") && x.contains("options")) << x;
    euler |= x["name"] == "Euler";
  }
  EXPECT_TRUE(euler);
  Reply sc = s.get("/sdapi/v1/schedulers");
  ASSERT_EQ(sc.status, 200);
  bool karras = false;
  for (auto& x : sc.body) {
    for (const char* k : {"name", "label", "aliases", "default_rho", "need_inner_model"}) EXPECT_TRUE(x.contains(k)) << k;
    karras |= x["label"] == "Karras";
  }
  EXPECT_TRUE(karras);

  EXPECT_EQ(s.get("/sdapi/v1/upscalers").body[0]["name"], "None");
  EXPECT_EQ(s.get("/sdapi/v1/sd-vae").body[0]["model_name"], "vae.pt");
  Reply e = s.get("/sdapi/v1/embeddings");
  EXPECT_TRUE(e.body.contains("loaded") && e.body.contains("skipped")) << e.raw;
  EXPECT_TRUE(s.get("/sdapi/v1/prompt-styles").body.is_array());
  // Features easel lacks are listed empty (A1111 serves these routes; clients call them).
  for (const char* r : {"hypernetworks", "face-restorers", "realesrgan-models", "latent-upscale-modes", "script-info", "extensions"}) {
    Reply l = s.get(std::string("/sdapi/v1/") + r);
    EXPECT_EQ(l.status, 200) << r;
    EXPECT_EQ(l.body, json::array()) << r << ": " << l.raw;
  }
  EXPECT_EQ(s.get("/sdapi/v1/scripts").body, json({{"txt2img", json::array()}, {"img2img", json::array()}}));
  Reply mem = s.get("/sdapi/v1/memory");
  EXPECT_GT(mem.body["ram"]["used"].get<double>(), 0) << mem.raw;
  EXPECT_GT(mem.body["ram"]["total"].get<double>(), mem.body["ram"]["used"].get<double>());
  EXPECT_EQ(s.post("/sdapi/v1/refresh-checkpoints", json::object()).status, 200);
  Reply nf = s.get("/sdapi/v1/no-such-thing");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.body["detail"], "Not Found");
}

TEST(ServerApi, Txt2ImgResponse) {
  FakeService svc;
  Running s(svc);
  Reply r = s.post("/sdapi/v1/txt2img", small({{"batch_size", 2}, {"n_iter", 2}, {"no_such_field", 1}}));
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["images"].size(), 4u);
  json info = json::parse(r.body["info"].get<std::string>());
  EXPECT_EQ(info["seed"], 1234);
  EXPECT_EQ(info["all_seeds"], json({1234, 1235, 1236, 1237}));
  EXPECT_EQ(info["all_prompts"].size(), 4u);
  EXPECT_EQ(info["prompt"], "a red cube");
  EXPECT_EQ(info["negative_prompt"], "blurry");
  EXPECT_EQ(info["sampler_name"], "Euler a");
  EXPECT_EQ(info["steps"], 3);
  EXPECT_EQ(info["width"], 64);
  ASSERT_EQ(info["infotexts"].size(), 4u);
  for (const char* k : {"subseed", "all_subseeds", "cfg_scale", "sd_model_name", "sd_model_hash", "job_timestamp",
                        "clip_skip", "styles", "index_of_first_image", "version", "extra_generation_params"})
    EXPECT_TRUE(info.contains(k)) << k;
  for (size_t i = 0; i < 4; ++i) {
    Image im = reply_image(r, i);
    EXPECT_EQ(im.width, 64);
    EXPECT_EQ(im.text.at("parameters"), info["infotexts"][i]);  // the PNG carries the infotext
  }
  EXPECT_NE(info["infotexts"][1].get<std::string>().find("Seed: 1235"), std::string::npos);
  // parameters: the request with A1111's defaults filled in; unknown fields dropped.
  EXPECT_EQ(r.body["parameters"]["steps"], 3);
  EXPECT_EQ(r.body["parameters"]["cfg_scale"], 7.0);
  EXPECT_EQ(r.body["parameters"]["sampler_index"], "Euler");
  EXPECT_FALSE(r.body["parameters"].contains("no_such_field"));
  // send_images false: no images, info still there.
  Reply q = s.post("/sdapi/v1/txt2img", small({{"send_images", false}}));
  EXPECT_EQ(q.body["images"].size(), 0u);
  EXPECT_TRUE(q.body["info"].is_string());
}

TEST(ServerApi, DefaultsAndRandomSeed) {
  FakeService svc;
  Running s(svc);
  Reply r = s.post("/sdapi/v1/txt2img", {{"prompt", "x"}, {"width", 64}, {"height", 64}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(svc.last.steps, 50);           // A1111's API default
  EXPECT_EQ(svc.last.sampler, "Euler");    // sampler_index default
  json info = json::parse(r.body["info"].get<std::string>());
  EXPECT_GE(info["seed"].get<int64_t>(), 0);  // -1 resolved and reported
}

TEST(ServerApi, CombinedSamplerNameAndScheduler) {
  FakeService svc;
  Running s(svc);
  ASSERT_EQ(s.post("/sdapi/v1/txt2img", small({{"sampler_name", "DPM++ 2M Karras"}})).status, 200);
  EXPECT_EQ(svc.last.sampler, "DPM++ 2M");
  EXPECT_EQ(svc.last.scheduler, "Karras");
  ASSERT_EQ(s.post("/sdapi/v1/txt2img", small({{"sampler_name", "Euler"}, {"scheduler", "exponential"}})).status, 200);
  EXPECT_EQ(svc.last.scheduler, "Exponential");
}

TEST(ServerApi, ValidationErrors) {
  FakeService svc;
  Running s(svc);
  Reply bad = s.post("/sdapi/v1/txt2img", small({{"steps", "many"}, {"cfg_scale", "x"}}));
  expect_error_shape(bad, 422);
  ASSERT_TRUE(bad.body["detail"].is_array());
  ASSERT_EQ(bad.body["detail"].size(), 2u);  // every bad field listed
  EXPECT_EQ(bad.body["detail"][0]["loc"], json({"body", "steps"}));
  EXPECT_EQ(bad.body["detail"][0]["type"], "type_error.integer");

  expect_error_shape(s.post("/sdapi/v1/txt2img", small({{"width", 65}})), 422);
  expect_error_shape(s.post("/sdapi/v1/txt2img", small({{"steps", 0}})), 422);
  expect_error_shape(s.post("/sdapi/v1/txt2img", small({{"width", 4096}, {"height", 4096}})), 422);  // pixel limit
  expect_error_shape(s.post("/sdapi/v1/txt2img", small({{"n_iter", 100}})), 422);                    // image limit
  expect_error_shape(s.post("/sdapi/v1/txt2img", small({{"enable_hr", true}})), 422);
  expect_error_shape(s.post("/sdapi/v1/txt2img", small({{"scheduler", "nope"}})), 422);
  expect_error_shape(s.post("/sdapi/v1/txt2img", small({{"alwayson_scripts", {{"controlnet", {}}}}})), 422);
  Reply ns = s.post("/sdapi/v1/txt2img", small({{"sampler_name", "No Such Sampler"}}));
  expect_error_shape(ns, 404);
  EXPECT_EQ(ns.body["detail"], "Sampler not found");
  Reply js = to_reply(s.client()->Post("/sdapi/v1/txt2img", "{not json", "application/json"));
  expect_error_shape(js, 422);
  expect_error_shape(s.post("/sdapi/v1/txt2img", json::array({1, 2})), 422);
  expect_error_shape(s.post("/sdapi/v1/txt2img", small({{"override_settings", {{"sd_model_checkpoint", "gamma"}}}})), 404);
  EXPECT_EQ(svc.jobs.load(), 0);  // nothing invalid reached the engine
}

TEST(ServerApi, InfotextFieldFillsUnsetFields) {
  FakeService svc;
  Running s(svc);
  const std::string it = "a blue sphere\nNegative prompt: ugly\nSteps: 7, Sampler: DPM++ 2M, Schedule type: Karras, "
                         "CFG scale: 5.5, Seed: 42, Size: 64x64, Clip skip: 2";
  Reply r = s.post("/sdapi/v1/txt2img", {{"infotext", it}, {"steps", 4}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(svc.last.prompt, "a blue sphere");
  EXPECT_EQ(svc.last.negative_prompt, "ugly");
  EXPECT_EQ(svc.last.steps, 4);  // given in the request: wins over the infotext
  EXPECT_EQ(svc.last.sampler, "DPM++ 2M");
  EXPECT_EQ(svc.last.scheduler, "Karras");
  EXPECT_EQ(svc.last.cfg_scale, 5.5);
  EXPECT_EQ(svc.last.seed, 42);
  EXPECT_EQ(svc.last.width, 64);
  EXPECT_EQ(svc.last.clip_skip, 2);
}

TEST(ServerApi, OptionsAndOverrideSettings) {
  FakeService svc;
  Running s(svc);
  Reply o = s.get("/sdapi/v1/options");
  ASSERT_EQ(o.status, 200);
  EXPECT_EQ(o.body["sd_model_checkpoint"], "alpha.safetensors [0123456789]");
  EXPECT_EQ(o.body["CLIP_stop_at_last_layers"], 1);
  EXPECT_EQ(o.body["randn_source"], "GPU");
  EXPECT_EQ(o.body["eta_noise_seed_delta"], 0);

  // Per request: the override applies to that job only (restore_afterwards defaults to true).
  ASSERT_EQ(s.post("/sdapi/v1/txt2img", small({{"override_settings", {{"sd_model_checkpoint", "beta"}, {"CLIP_stop_at_last_layers", 2}, {"not_an_option", 1}}}})).status, 200);
  EXPECT_EQ(svc.loaded, "beta.safetensors");
  EXPECT_EQ(svc.last.clip_skip, 2);
  ASSERT_EQ(s.post("/sdapi/v1/txt2img", small()).status, 200);
  EXPECT_EQ(svc.loaded, "alpha.safetensors [0123456789]");
  EXPECT_EQ(svc.last.clip_skip, 1);

  // Globally.
  EXPECT_EQ(s.post("/sdapi/v1/options", {{"sd_model_checkpoint", "beta.safetensors"}, {"randn_source", "CPU"}, {"eta_noise_seed_delta", 31337}}).status, 200);
  o = s.get("/sdapi/v1/options");
  EXPECT_EQ(o.body["sd_model_checkpoint"], "beta.safetensors");
  EXPECT_EQ(o.body["randn_source"], "CPU");
  Reply r = s.post("/sdapi/v1/txt2img", small());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(svc.loaded, "beta.safetensors");
  EXPECT_EQ(svc.last.rng, "CPU");
  EXPECT_EQ(svc.last.ensd, 31337);
  expect_error_shape(s.post("/sdapi/v1/options", {{"randn_source", "Quantum"}}), 422);
  expect_error_shape(s.post("/sdapi/v1/options", {{"sd_model_checkpoint", "nope"}}), 404);
  EXPECT_EQ(s.get("/sdapi/v1/options").body["randn_source"], "CPU");  // a failed POST changes nothing

  // restore_afterwards false keeps the override.
  ASSERT_EQ(s.post("/sdapi/v1/txt2img", small({{"override_settings", {{"CLIP_stop_at_last_layers", 3}}}, {"override_settings_restore_afterwards", false}})).status, 200);
  EXPECT_EQ(s.get("/sdapi/v1/options").body["CLIP_stop_at_last_layers"], 3);
}

TEST(ServerApi, PngInfoRoundTrip) {
  FakeService svc;
  Running s(svc);
  Reply r = s.post("/sdapi/v1/txt2img", small({{"cfg_scale", 6.5}}));
  ASSERT_EQ(r.status, 200);
  Reply pi = s.post("/sdapi/v1/png-info", {{"image", "data:image/png;base64," + r.body["images"][0].get<std::string>()}});
  ASSERT_EQ(pi.status, 200) << pi.raw;
  json info = json::parse(r.body["info"].get<std::string>());
  EXPECT_EQ(pi.body["info"], info["infotexts"][0]);
  EXPECT_EQ(pi.body["parameters"]["Prompt"], "a red cube");
  EXPECT_EQ(pi.body["parameters"]["Negative prompt"], "blurry");
  EXPECT_EQ(pi.body["parameters"]["Steps"], "3");
  EXPECT_EQ(pi.body["parameters"]["CFG scale"], "6.5");
  EXPECT_EQ(pi.body["parameters"]["Size-1"], "64");
  EXPECT_EQ(pi.body["parameters"]["Seed"], "1234");
  EXPECT_TRUE(pi.body["items"].is_object());
  expect_error_shape(s.post("/sdapi/v1/png-info", {{"image", "!!!"}}), 500);
  expect_error_shape(s.post("/sdapi/v1/png-info", json::object()), 422);
}

TEST(ServerApi, Img2Img) {
  FakeService svc;
  Running s(svc);
  Reply t = s.post("/sdapi/v1/txt2img", small());
  ASSERT_EQ(t.status, 200);
  Reply r = s.post("/sdapi/v1/img2img", small({{"init_images", {t.body["images"][0]}}, {"denoising_strength", 0.5}, {"resize_mode", 1}}));
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["images"].size(), 1u);
  EXPECT_TRUE(r.body["parameters"]["init_images"].is_null());  // include_init_images false
  EXPECT_EQ(svc.last.denoising_strength, 0.5);
  EXPECT_EQ(svc.last.resize_mode, 1);
  json info = json::parse(r.body["info"].get<std::string>());
  EXPECT_EQ(info["denoising_strength"], 0.5);
  expect_error_shape(s.post("/sdapi/v1/img2img", small()), 404);  // A1111: "Init image not found"
  expect_error_shape(s.post("/sdapi/v1/img2img", small({{"init_images", {"bm90IGFuIGltYWdl"}}})), 500);
  expect_error_shape(s.post("/sdapi/v1/img2img", small({{"init_images", {t.body["images"][0]}}, {"mask", t.body["images"][0]}})), 422);
}

TEST(ServerApi, TokenCountAndDefaults) {
  FakeService svc;
  Running s(svc);
  Reply r = s.post("/easel/v1/token-count", {{"prompt", "a b c"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["token_count"], 3);
  EXPECT_EQ(r.body["max_length"], 75);
  EXPECT_EQ(s.get("/easel/v1/defaults").body["txt2img"]["steps"], 50);
}

}  // namespace
}  // namespace easel::test
