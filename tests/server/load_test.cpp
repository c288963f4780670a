// Load: 50 txt2img requests from 5 concurrent clients against a small queue. Every request
// must complete (200 with its image) or be refused cleanly (503); none lost, memory bounded.
// Uses the tiny real model when the oracle has it, else the test double.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "fake_service.h"
#include "server/server_context.h"
#include "server_fixture.h"
#include "tiny_engine.h"

namespace easel::test {
namespace {

TEST(ServerLoad, FiftyRequestsFiveClients) {
  constexpr int kClients = 5, kPerClient = 10;
  FakeService fake;
  fake.call_cost = std::chrono::milliseconds(3);
  auto real = tiny_service();
  server::GenerationService& svc = real ? static_cast<server::GenerationService&>(*real) : fake;
  server::ServerConfig cfg;
  cfg.max_pending = 2;  // small on purpose: some requests must be refused
  Running s(svc, cfg);
  const json req = {{"prompt", "load test"}, {"steps", 4}, {"width", 64}, {"height", 64}, {"sampler_name", "Euler"}};
  ASSERT_EQ(s.post("/sdapi/v1/txt2img", req).status, 200);  // warm-up: model load
  const size_t rss_warm = server::process_rss().first;

  struct Outcome {
    int status = 0;
    double ms = 0;
    size_t images = 0;
  };
  std::vector<Outcome> out(kClients * kPerClient);
  const auto t_start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      auto cli = s.client();
      for (int i = 0; i < kPerClient; ++i) {
        json r = req;
        r["seed"] = c * 100 + i;
        const auto t0 = std::chrono::steady_clock::now();
        Reply rep = to_reply(cli->Post("/sdapi/v1/txt2img", r.dump(), "application/json"));
        Outcome& o = out[size_t(c * kPerClient + i)];
        o.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        o.status = rep.status;
        if (rep.status == 200) o.images = rep.body["images"].size();
        if (rep.status == 503) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a polite client backs off
      }
    });
  for (auto& t : clients) t.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

  int completed = 0, refused = 0, other = 0;
  std::vector<double> lat;
  for (auto& o : out) {
    if (o.status == 200) {
      ++completed;
      lat.push_back(o.ms);
      EXPECT_EQ(o.images, 1u);
    } else if (o.status == 503) {
      ++refused;
    } else {
      ++other;
      ADD_FAILURE() << "request ended with status " << o.status;
    }
  }
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double q) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, size_t(q * double(lat.size())))]; };
  auto [rss, peak] = server::process_rss();
  EXPECT_EQ(completed + refused, kClients * kPerClient);  // none lost
  EXPECT_EQ(other, 0);
  EXPECT_GT(completed, 0);
  EXPECT_EQ(s.get("/sdapi/v1/progress").body["state"]["queue_pending"], 0);
  EXPECT_LT(double(rss) - double(rss_warm), 256.0 * (1 << 20)) << "RSS grew from " << rss_warm << " to " << rss;
  std::printf("load (%s): requests %d, completed %d, refused %d, p50 %.1f ms, p95 %.1f ms, wall %.2f s, "
              "RSS %.1f MiB (after warm-up %.1f MiB), peak RSS %.1f MiB\n",
              real ? "tiny-sd15 64x64, 4 steps" : "test double", kClients * kPerClient, completed, refused, pct(0.5),
              pct(0.95), wall, rss / 1048576.0, rss_warm / 1048576.0, peak / 1048576.0);
  ::testing::Test::RecordProperty("completed", completed);
  ::testing::Test::RecordProperty("refused", refused);
  std::ofstream(build_dir() / "server_load.json")
      << json{{"engine", real ? "tiny-sd15" : "fake"}, {"requests", kClients * kPerClient}, {"completed", completed},
              {"refused", refused}, {"p50_ms", pct(0.5)}, {"p95_ms", pct(0.95)}, {"wall_s", wall},
              {"peak_rss_mib", peak / 1048576.0}}.dump(2);
}

}  // namespace
}  // namespace easel::test
