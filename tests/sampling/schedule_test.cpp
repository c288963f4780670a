// Schedules against the oracle: the model's alphas_cumprod/sigma table, sigma <-> t, every
// schedule type and the DDIM/PLMS/UniPC timesteps, bit-exact for both ATen kernels (glibc for the
// scalar files, SLEEF + ATen's vector/tail split for the AVX2 ones).
#include <gtest/gtest.h>

#include <cstring>

#include "sampling/sampler_registry.h"
#include "sampling/schedule/schedulers.h"
#include "sampling_oracle.h"

namespace easel::test {
namespace {

int64_t ulps(float a, float b) {
  if (a == b) return 0;
  if (std::isnan(a) || std::isnan(b)) return INT32_MAX;
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  if ((ia < 0) != (ib < 0)) return INT32_MAX;
  return std::llabs(int64_t(ia) - int64_t(ib));
}

TorchKernel kernel_of(const nlohmann::json& meta) {
  return meta.value("aten_cpu_capability", "avx2") == "default" ? TorchKernel::Scalar : TorchKernel::Avx2;
}

// Max ulps allowed: 0, except for the AVX2 files on a CPU without AVX2/FMA, where SLEEF's portable
// non-FMA code stands in and differs in rare last bits (core/torch_math.h); sigma_to_t divides
// by a table difference of ~1e-2, which widens a 1-ulp log difference to tens of ulp of t.
int64_t allowed_ulps(TorchKernel k, int64_t portable_bound = 4) {
  return k == TorchKernel::Avx2 && !torch_math_has_avx2_fma() ? portable_bound : 0;
}

struct Tally {
  int cases = 0, exact = 0, within = 0;
  int64_t worst = 0;
  void add(const std::vector<float>& got, const std::vector<float>& want, int64_t allowed, const std::string& what) {
    ++cases;
    int64_t w = got.size() == want.size() ? 0 : INT32_MAX;
    for (size_t i = 0; i < got.size() && i < want.size(); ++i) w = std::max(w, ulps(got[i], want[i]));
    worst = std::max(worst, w);
    exact += w == 0;
    within += w <= allowed;
    EXPECT_LE(w, allowed) << what << " (len " << got.size() << " vs " << want.size() << ")";
  }
};

auto schedule_sets() {
  return load_case_sets([](const nlohmann::json& j) { return j.contains("cases") && j.contains("model_sigma_min"); });
}

TEST(Schedule, ModelTable) {
  auto sets = schedule_sets();
  ASSERT_FALSE(sets.empty()) << "no schedule case sets under " << oracle_dir();
  std::printf("[schedule] SLEEF AVX2/FMA code on this CPU: %s\n", torch_math_has_avx2_fma() ? "yes" : "no (portable)");
  for (auto& s : sets) {
    const auto k = kernel_of(s.meta);
    auto betas = ldm_linear_betas(1000, 0.00085, 0.012, k);
    EXPECT_EQ(betas, s.f64("betas_f64")) << s.name;
    EXPECT_EQ(alphas_cumprod_f64(betas), s.f64("alphas_cumprod_f64")) << s.name;
    auto model = DiscreteSchedule::sd_default(k);
    Tally t;
    t.add(model.alphas_cumprod(), s.f32("alphas_cumprod"), 0, s.name + " alphas_cumprod");
    t.add(model.sigmas(), s.f32("model_sigmas"), allowed_ulps(k), s.name + " model_sigmas");
    t.add(model.log_sigmas(), s.f32("model_log_sigmas"), allowed_ulps(k), s.name + " model_log_sigmas");
    EXPECT_EQ(double(model.sigma_min()), s.meta["model_sigma_min"].get<double>());
    EXPECT_EQ(double(model.sigma_max()), s.meta["model_sigma_max"].get<double>());
    std::printf("[schedule] %s model table: %d/%d tensors bit-exact, worst %lld ulp\n", s.name.c_str(), t.exact,
                t.cases, (long long)t.worst);
  }
}

TEST(Schedule, SigmaT) {
  auto files = oracle_files("samplers", ".safetensors");
  int nfiles = 0;
  for (const auto& p : files) {
    if (p.stem().string().rfind("sigma_t", 0) != 0) continue;
    ++nfiles;
    CaseSet s{p.stem().string(), {}, load_safetensors(p.string())};
    const auto k = p.stem().string().find("scalar") != std::string::npos ? TorchKernel::Scalar : TorchKernel::Avx2;
    auto model = DiscreteSchedule::sd_default(k);
    auto grid = s.f32("sigma_grid");
    std::vector<float> t, tq;
    for (float g : grid) t.push_back(model.sigma_to_t(g));
    auto want_q = s.i64("sigma_to_t_quantized");
    int qbad = 0;
    for (size_t i = 0; i < grid.size(); ++i) qbad += model.sigma_to_t_quantized(grid[i]) != want_q[i];
    EXPECT_EQ(qbad, 0) << s.name;
    Tally tal;
    tal.add(t, s.f32("sigma_to_t"), allowed_ulps(k, 64), s.name + " sigma_to_t");
    auto tg = s.f32("t_grid");
    std::vector<float> sg, rt;
    for (float v : tg) sg.push_back(model.t_to_sigma(v));
    for (float v : sg) rt.push_back(model.sigma_to_t(v));
    tal.add(sg, s.f32("t_to_sigma"), allowed_ulps(k), s.name + " t_to_sigma");
    tal.add(rt, s.f32("roundtrip_t_to_sigma_to_t"), allowed_ulps(k, 64), s.name + " roundtrip");
    std::printf("[schedule] %s: %d/%d grids bit-exact, quantized mismatches %d, worst %lld ulp\n", s.name.c_str(),
                tal.exact, tal.cases, qbad, (long long)tal.worst);
  }
  EXPECT_GT(nfiles, 0);
}

TEST(Schedule, AllTypes) {
  for (auto& s : schedule_sets()) {
    const auto k = kernel_of(s.meta);
    auto model = DiscreteSchedule::sd_default(k);
    Tally t;
    for (const auto& c : s.meta["cases"]) {
      std::string sched = c["schedule"];
      auto us = sched.find('_');
      std::string type = sched.substr(us + 1);
      if (type == "get_sigmas") type = "uniform";
      const SchedulerDef* def = find_scheduler(type);
      ASSERT_TRUE(def && def->fn) << "unknown schedule " << sched;
      ScheduleParams p;
      p.n = c["n"];
      p.sigma_min = s.meta["model_sigma_min"];
      p.sigma_max = s.meta["model_sigma_max"];
      p.model = &model;
      p.kernel = k;
      auto got = def->fn(p);
      auto want = s.f32(c["tensor"]);
      ASSERT_EQ(got.size(), size_t(c["length"].get<int>())) << sched;
      t.add(got, want, allowed_ulps(k), s.name + " " + c["tensor"].get<std::string>());
    }
    std::printf("[schedule] %s: %d schedules, %d bit-exact, %d within tolerance, worst %lld ulp\n", s.name.c_str(),
                t.cases, t.exact, t.within, (long long)t.worst);
  }
}

// KDiffusionSampler.get_sigmas per sampler with scheduler "Automatic": the sampler's default
// schedule and discard_next_to_last_sigma.
TEST(Schedule, PerSamplerDefaults) {
  for (auto& s : schedule_sets()) {
    if (!s.meta.contains("a1111_sampler_sigmas")) continue;
    const auto k = kernel_of(s.meta);
    auto model = DiscreteSchedule::sd_default(k);
    Tally t;
    for (const auto& c : s.meta["a1111_sampler_sigmas"]) {
      auto choice = find_sampler(c["sampler"].get<std::string>());
      ASSERT_TRUE(choice.sampler) << c["sampler"];
      const SchedulerDef* eff = effective_scheduler(*choice.sampler, nullptr);
      if (c["schedule_type"].is_null()) EXPECT_EQ(eff, nullptr) << c["sampler"];
      else EXPECT_TRUE(eff && eff->label == c["schedule_type"].get<std::string>()) << c["sampler"];
      EXPECT_EQ(choice.sampler->discard_next_to_last_sigma, c["options"].value("discard_next_to_last_sigma", false));
      SigmaRequest req;
      req.steps = c["steps"];
      req.model = &model;
      t.add(sampler_sigmas(*choice.sampler, req), s.f32(c["tensor"]), allowed_ulps(k), s.name + " " + c["tensor"].get<std::string>());
    }
    std::printf("[schedule] %s per-sampler sigmas: %d lists, %d bit-exact, %d within tolerance, worst %lld ulp\n",
                s.name.c_str(), t.cases, t.exact, t.within, (long long)t.worst);
  }
}

TEST(Schedule, Timesteps) {
  for (auto& s : schedule_sets()) {
    int n = 0, ok = 0;
    for (const auto& c : s.meta["a1111_timesteps"]) {
      ++n;
      auto got = a1111_timesteps(c["steps"]);
      auto want = s.i64(c["tensor"]);
      EXPECT_EQ(got, want) << c["tensor"];
      ok += got == want;
    }
    std::printf("[schedule] %s timesteps: %d/%d exact\n", s.name.c_str(), ok, n);
  }
}

}  // namespace
}  // namespace easel::test
