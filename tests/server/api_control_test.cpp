// Queue, progress, interrupt/skip, auth, limits and the loopback rule over real HTTP against the
// test double (whose "model calls" are slow enough to observe).
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "core/error.h"
#include "fake_service.h"
#include "server_fixture.h"

namespace easel::test {
namespace {

json job(int steps, json extra = json::object()) {
  json r = {{"prompt", "p"}, {"steps", steps}, {"width", 64}, {"height", 64}, {"seed", 7}};
  r.update(extra);
  return r;
}

// Polls /progress until pred holds (bounded: ~10 s).
template <typename Pred>
json wait_progress(const Running& s, Pred pred) {
  json last;
  for (int i = 0; i < 1000; ++i) {
    last = s.get("/sdapi/v1/progress").body;
    if (pred(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "progress condition never held; last: " << last.dump();
  return last;
}

TEST(ServerControl, ProgressWhileRunningAndIdle) {
  FakeService svc;
  svc.call_cost = std::chrono::milliseconds(20);
  server::ServerConfig cfg;
  cfg.preview_ms = 0;
  Running s(svc, cfg);
  json idle = s.get("/sdapi/v1/progress").body;
  EXPECT_EQ(idle["progress"], 0);
  EXPECT_EQ(idle["state"]["job_count"], 0);
  for (const char* k : {"skipped", "interrupted", "job", "job_count", "job_timestamp", "job_no", "sampling_step", "sampling_steps"})
    EXPECT_TRUE(idle["state"].contains(k)) << k;
  EXPECT_TRUE(idle.contains("eta_relative") && idle.contains("current_image") && idle.contains("textinfo"));

  auto fut = std::async(std::launch::async, [&] { return s.post("/sdapi/v1/txt2img", job(40, {{"n_iter", 2}})); });
  json p = wait_progress(s, [](const json& j) { return j["state"]["sampling_step"].get<int>() >= 3 && !j["current_image"].is_null(); });
  EXPECT_EQ(p["state"]["job"], "txt2img");
  EXPECT_EQ(p["state"]["job_count"], 2);
  EXPECT_EQ(p["state"]["sampling_steps"], 40);
  EXPECT_GT(p["progress"].get<double>(), 0.01);
  EXPECT_LT(p["progress"].get<double>(), 1.0);
  EXPECT_GT(p["eta_relative"].get<double>(), 0);
  auto png = server::base64_decode(p["current_image"].get<std::string>());
  ASSERT_TRUE(png.has_value());
  EXPECT_EQ(decode_image(png->data(), png->size()).width, 8);
  json noimg = s.get("/sdapi/v1/progress?skip_current_image=true").body;
  EXPECT_TRUE(noimg["current_image"].is_null());
  EXPECT_EQ(fut.get().status, 200);
  EXPECT_EQ(s.get("/sdapi/v1/progress").body["state"]["job_count"], 0);
}

TEST(ServerControl, InterruptStopsWithinOneModelCall) {
  FakeService svc;
  svc.call_cost = std::chrono::milliseconds(15);
  Running s(svc);
  auto fut = std::async(std::launch::async, [&] { return s.post("/sdapi/v1/txt2img", job(1000, {{"n_iter", 3}})); });
  wait_progress(s, [](const json& j) { return j["state"]["sampling_step"].get<int>() >= 2; });
  const int before = svc.calls.load();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(s.post("/sdapi/v1/interrupt", json::object()).status, 200);
  Reply r = fut.get();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["images"].size(), 0u);
  EXPECT_TRUE(json::parse(r.body["info"].get<std::string>())["interrupted"].get<bool>());
  // The call in flight when the flag was set may finish; no further call starts.
  EXPECT_LE(svc.calls_at_interrupt.load() - before, 1);
  EXPECT_EQ(svc.calls.load(), svc.calls_at_interrupt.load());
  std::printf("interrupt: job returned %.1f ms after /interrupt (model call = 15 ms), %d call(s) after\n", ms,
              svc.calls.load() - before);
  EXPECT_LT(ms, 1000);
}

TEST(ServerControl, SkipDropsOnlyTheCurrentBatch) {
  FakeService svc;
  svc.call_cost = std::chrono::milliseconds(10);
  Running s(svc);
  auto fut = std::async(std::launch::async, [&] { return s.post("/sdapi/v1/txt2img", job(30, {{"n_iter", 3}})); });
  wait_progress(s, [](const json& j) { return j["state"]["sampling_step"].get<int>() >= 2; });
  EXPECT_EQ(s.post("/sdapi/v1/skip", json::object()).status, 200);
  Reply r = fut.get();
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["images"].size(), 2u);  // batches 2 and 3
  json info = json::parse(r.body["info"].get<std::string>());
  EXPECT_NE(info["infotexts"][0].get<std::string>().find("Seed: 8"), std::string::npos) << info["infotexts"][0];
}

TEST(ServerControl, FullQueueAnswers503) {
  FakeService svc;
  server::ServerConfig cfg;
  cfg.max_pending = 1;
  Running s(svc, cfg);
  svc.hold();
  auto a = std::async(std::launch::async, [&] { return s.post("/sdapi/v1/txt2img", job(2)); });
  wait_progress(s, [](const json& j) { return j["state"]["job"] == "txt2img"; });  // a is running (held)
  auto b = std::async(std::launch::async, [&] { return s.post("/sdapi/v1/txt2img", job(2)); });
  wait_progress(s, [](const json& j) { return j["state"]["queue_pending"] == 1; });  // b waits
  Reply c = s.post("/sdapi/v1/txt2img", job(2));
  expect_error_shape(c, 503);
  EXPECT_NE(c.body["errors"].get<std::string>().find("queue is full"), std::string::npos) << c.raw;
  // Reads still answer while the queue is full.
  EXPECT_EQ(s.get("/sdapi/v1/options").status, 200);
  svc.release();
  EXPECT_EQ(a.get().status, 200);
  EXPECT_EQ(b.get().status, 200);
  EXPECT_EQ(svc.jobs.load(), 2);
}

TEST(ServerControl, ApiAuth) {
  FakeService svc;
  server::ServerConfig cfg;
  cfg.api_auth = "alice:s3cret,bob:hunter2";
  Running s(svc, cfg);
  Reply none = s.get("/sdapi/v1/options");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body["detail"], "Incorrect username or password");
  bool challenge = false;
  for (auto& [k, v] : none.headers) challenge |= k == "WWW-Authenticate" && v.rfind("Basic", 0) == 0;
  EXPECT_TRUE(challenge);
  EXPECT_EQ(to_reply(s.client("alice", "wrong")->Get("/sdapi/v1/options")).status, 401);
  EXPECT_EQ(to_reply(s.client("alice", "s3cret")->Get("/sdapi/v1/options")).status, 200);
  EXPECT_EQ(to_reply(s.client("bob", "hunter2")->Post("/sdapi/v1/txt2img", job(2).dump(), "application/json")).status, 200);
}

TEST(ServerControl, UiAuthGuardsPagesAndApi) {
  FakeService svc;
  server::ServerConfig cfg;
  cfg.ui_auth = "ui:pw";
  cfg.web_dir = (repo_dir() / "web").string();
  Running s(svc, cfg);
  EXPECT_EQ(to_reply(s.client()->Get("/")).status, 401);
  EXPECT_EQ(to_reply(s.client()->Get("/sdapi/v1/options")).status, 401);
  auto ok = s.client("ui", "pw")->Get("/");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("<html"), std::string::npos);
  EXPECT_EQ(to_reply(s.client("ui", "pw")->Get("/sdapi/v1/options")).status, 200);
}

TEST(ServerControl, BodyLimit) {
  FakeService svc;
  server::ServerConfig cfg;
  cfg.max_body_bytes = 4096;
  Running s(svc, cfg);
  Reply r = s.post("/sdapi/v1/txt2img", job(2, {{"prompt", std::string(10000, 'a')}}));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(svc.jobs.load(), 0);
  EXPECT_EQ(s.post("/sdapi/v1/txt2img", job(2)).status, 200);
}

TEST(ServerControl, LoopbackUnlessAllowed) {
  FakeService svc;
  server::ServerConfig cfg;
  cfg.host = "0.0.0.0";
  EXPECT_THROW(server::Server(svc, cfg), Error);
  cfg.host = "192.168.1.10";
  EXPECT_THROW(server::Server(svc, cfg), Error);
  EXPECT_TRUE(server::is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(server::is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(server::is_loopback_host("::1"));
  EXPECT_TRUE(server::is_loopback_host("localhost"));
  EXPECT_FALSE(server::is_loopback_host("::"));
  server::ServerConfig l;
  server::parse_listen("127.0.0.1:8123", l);
  EXPECT_EQ(l.port, 8123);
  server::parse_listen("[::1]:99", l);
  EXPECT_EQ(l.host, "::1");
  EXPECT_THROW(server::parse_listen("host:notaport", l), Error);
  cfg.api_auth = "nopassword";
  cfg.host = "127.0.0.1";
  EXPECT_THROW(server::Server(svc, cfg), Error);
}

TEST(ServerControl, StopWithJobsWaiting) {
  FakeService svc;
  svc.call_cost = std::chrono::milliseconds(5);
  server::ServerConfig cfg;
  cfg.max_pending = 4;
  auto s = std::make_unique<Running>(svc, cfg);
  std::vector<std::future<Reply>> f;
  for (int i = 0; i < 3; ++i) f.push_back(std::async(std::launch::async, [&] { return s->post("/sdapi/v1/txt2img", job(500)); }));
  wait_progress(*s, [](const json& j) { return j["state"]["sampling_step"].get<int>() >= 1; });
  s->server().stop();  // must not hang on the handlers waiting for their jobs
  for (auto& x : f) {
    Reply r = x.get();
    EXPECT_TRUE(r.status == 200 || r.status == 503 || r.status == 0) << r.status;
  }
}

}  // namespace
}  // namespace easel::test
