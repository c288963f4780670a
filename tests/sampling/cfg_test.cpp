// A1111 CFGDenoiser around the toy denoiser: batching, AND weights, per-image prompts, prompt
// editing counted in model calls; plus cancellation between model calls.
#include <gtest/gtest.h>

#include <map>

#include "sampling/cfg_denoiser.h"
#include "sampling/sampler_registry.h"
#include "sampling/tensor_ops.h"
#include "sampling_oracle.h"
#include "toy_models.h"

namespace easel::test {
namespace {

constexpr double kTol = 2e-5;

bool is_cfg_set(const nlohmann::json& j) {
  const nlohmann::json* c = first_case(j);
  return c && c->contains("scale") && c->contains("uncond");
}

// Conditioning ids index a table of toy "text" values c.
CondSchedule schedule_of(const nlohmann::json& entries, std::vector<float>& table) {
  CondSchedule s;
  for (const auto& e : entries) {
    table.push_back(e[1].get<float>());
    s.push_back({e[0].get<int64_t>(), int(table.size() - 1)});
  }
  return s;
}

ModelEval toy_eval(const std::vector<float>& table, std::vector<int>* rows_seen = nullptr) {
  return [&table, rows_seen](const Tensor& x, const std::vector<float>& t, const std::vector<int>& cond) {
    Tensor out = Tensor::empty(x.shape());
    const int64_t per = x.numel() / x.dim(0);
    for (int64_t r = 0; r < x.dim(0); ++r) {
      const float sg = t[size_t(r)], c = table[size_t(cond[size_t(r)])];
      for (int64_t k = 0; k < per; ++k) out.f32()[r * per + k] = toy_D(x.f32()[r * per + k], sg, c);
    }
    if (rows_seen) rows_seen->push_back(int(x.dim(0)));
    return out;
  };
}

TEST(Cfg, Trajectories) {
  auto sets = load_case_sets(is_cfg_set);
  ASSERT_FALSE(sets.empty());
  const CaseSet noise = load_noise_set();
  auto sched = DiscreteSchedule::sd_default();
  for (auto& s : sets) {
    SetTally tally;
    for (const auto& c : s.meta["cases"]) {
      ++tally.total;
      const std::string name = c["case"];
      const auto& tn = c["tensors"];
      const SamplerDef* def = find_sampler_by_upstream(c["function"].get<std::string>());
      ASSERT_TRUE(def) << name;
      std::vector<float> table;
      CfgConds conds;
      conds.scale = c["scale"];
      for (const auto& img : c["cond"]) {
        std::vector<CondPart> parts;
        for (const auto& part : img) parts.push_back({schedule_of(part[1], table), part[0].get<double>()});
        conds.cond.push_back(parts);
      }
      for (const auto& img : c["uncond"]) conds.uncond.push_back(schedule_of(img, table));
      CfgDenoiser cfg(WrappedModel(toy_eval(table), ModelWrap::Eps, sched), conds);
      ReplayNoise rn(noise.tensor("noise_list"));
      Recorded rec;
      SamplerRun run;
      run.model = &cfg;
      run.noise = &rn;
      run.callback = rec.callback();
      run.sigmas = s.f32(tn["sigmas"]);
      Tensor out = def->fn(run, s.tensor(tn["x_init"]));
      bool ok = true;
      EXPECT_EQ(rn.draws, c["noise_draws"].get<int64_t>()) << name;
      ok &= rn.draws == c["noise_draws"].get<int64_t>();
      EXPECT_EQ(cfg.model_calls(), c["n_model_calls"].get<int>()) << name;
      ok &= cfg.model_calls() == c["n_model_calls"].get<int>();
      auto want_bs = c["model_batch_sizes"].get<std::vector<int>>();
      EXPECT_EQ(cfg.batch_sizes(), want_bs) << name;
      ok &= cfg.batch_sizes() == want_bs;
      auto want_fin = s.f32(tn["final"]);
      const auto [rx, rd] = trajectory_ratio(rec.xs, rec.den, rec.sigma, s.f32(tn["xs"]), s.f32(tn["denoised"]),
                                             want_fin.size(), kTol);
      const double r = std::max({tol_ratio(out.f32(), want_fin.data(), want_fin.size(), kTol), rx, rd});
      EXPECT_LE(r, 1.0) << name;
      ok &= r <= 1.0;
      tally.add(name, ok, r);
    }
    tally.print("cfg", s.name);
  }
}

TEST(Cfg, CancelBetweenModelCalls) {
  auto sched = DiscreteSchedule::sd_default();
  std::vector<float> table = {-0.4f, 0.1f};
  CfgConds conds;
  conds.cond = {{CondPart{{{1000, 0}}, 1.0}}};
  conds.uncond = {{{1000, 1}}};
  std::atomic<bool> cancel{false};
  CfgDenoiser cfg(WrappedModel(toy_eval(table), ModelWrap::CompVis, sched), conds, &cancel);
  CountingNoise nz;
  SamplerRun run;
  run.model = &cfg;
  run.noise = &nz;
  run.sigmas = sched.get_sigmas(10);
  int seen = 0;
  run.callback = [&](const StepInfo& st) {
    seen = st.i;
    if (st.i == 3) cancel = true;
  };
  Tensor x = Tensor::zeros({1, 4, 2, 2});
  EXPECT_THROW(find_sampler("Heun").sampler->fn(run, x), Interrupted);
  // Heun: step 3 reports after its first call; the cancel is seen at the very next model call.
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(cfg.model_calls(), 2 * 3 + 1);
}

}  // namespace
}  // namespace easel::test
