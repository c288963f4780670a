// run_sampling (the pipeline's A1111 sampler driver) against the samplers oracle's end-to-end
// A1111 runs with the toy model: every sampler by UI name, CPU and NV noise, ENSD, variation
// seeds, scheduler override, eta, SDE samplers on the Brownian tree; schedule, callbacks, final
// latent, call and draw counts, and the infotext fields the run adds.
#include <gtest/gtest.h>

#include "pipeline/generate.h"
#include "pipeline/sampling_job.h"
#include "sampling/sampling_oracle.h"
#include "sampling/toy_models.h"

namespace easel::test {
namespace {

constexpr double kTol = 2e-5;

// The sampling oracle's end-to-end runs that name their sampler by UI name.
bool is_named_pipeline_set(const nlohmann::json& j) { return is_pipeline_set(j) && first_case(j)->contains("sampler"); }

// Prompt c = -0.4 (id 0) and negative c = 0.1 (id 1), as the oracle's ToySDModel.
ModelEval toy_model() {
  return [](const Tensor& x, const std::vector<float>& t, const std::vector<int>& cond) {
    Tensor out = Tensor::empty(x.shape());
    const int64_t per = x.numel() / x.dim(0);
    for (int64_t r = 0; r < x.dim(0); ++r) {
      const float c = cond[size_t(r)] == 0 ? -0.4f : 0.1f;
      for (int64_t k = 0; k < per; ++k) out.f32()[r * per + k] = toy_eps(x.f32()[r * per + k], t[size_t(r)], c);
    }
    return out;
  };
}

TEST(A1111Pipeline, ToyModelRuns) {
  auto sets = load_case_sets(is_named_pipeline_set);
  ASSERT_FALSE(sets.empty()) << "no A1111 pipeline case set under " << oracle_dir() / "samplers";
  const DiscreteSchedule sched = DiscreteSchedule::sd_default();
  for (auto& s : sets) {
    SetTally tally;
    double max_sigma_rel = 0;
    for (const auto& c : s.meta["cases"]) {
      ++tally.total;
      const std::string name = c["case"];
      const auto& tn = c["tensors"];
      SamplerSelection sel = select_sampler(c["sampler"], c.value("scheduler", std::string("Automatic")));
      SamplingRequest req;
      req.sampler = sel.sampler;
      req.scheduler = sel.scheduler;
      req.steps = c["steps"];
      if (c.contains("eta")) req.eta = c["eta"].get<double>();
      const auto seeds = c["seeds"].get<std::vector<uint64_t>>();
      req.rng.source = parse_randn_source(c["source"].get<std::string>());
      req.rng.shape = {4, 8, 8};
      req.rng.seeds = seeds;
      if (c.contains("subseeds") && c["subseeds"].is_array()) req.rng.subseeds = c["subseeds"].get<std::vector<uint64_t>>();
      req.rng.subseed_strength = c.value("subseed_strength", 0.0);
      req.rng.eta_noise_seed_delta = c.value("ensd", int64_t(0));
      CfgConds conds;
      for (size_t i = 0; i < seeds.size(); ++i) {
        conds.cond.push_back({CondPart{{{1000000, 0}}, 1.0}});
        conds.uncond.push_back({{1000000, 1}});
      }
      conds.scale = 7.0;
      std::vector<float> xs, den, sig;
      ProgressFn progress = [&](const SamplingProgress& p) {
        xs.insert(xs.end(), p.x.f32(), p.x.f32() + p.x.numel());
        if (p.denoised.defined()) den.insert(den.end(), p.denoised.f32(), p.denoised.f32() + p.denoised.numel());
        else den.insert(den.end(), size_t(p.x.numel()), NAN);
        sig.push_back(p.sigma);
      };
      SamplingResult res = run_sampling(req, toy_model(), conds, sched, progress);
      bool ok = true;
      auto check = [&](bool cond, const std::string& what) {
        EXPECT_TRUE(cond) << name << ": " << what;
        ok &= cond;
      };
      check(res.model_calls == c["n_model_calls"].get<int>(), "model calls " + std::to_string(res.model_calls));
      check(res.rng_draws == c["rng_draws"].get<int64_t>(), "rng draws " + std::to_string(res.rng_draws));
      if (tn.contains("sigmas")) {
        // Exact but for the last bit of float32 exp/log (torch's SLEEF kernels vs libm).
        auto want = s.f32(tn["sigmas"]);
        bool same = res.sigmas.size() == want.size();
        for (size_t i = 0; same && i < want.size(); ++i) {
          const double d = std::fabs(double(res.sigmas[i]) - want[i]);
          max_sigma_rel = std::max(max_sigma_rel, d / std::max(1e-30, double(std::fabs(want[i]))));
          same = d <= 4e-7 * std::fabs(want[i]);
        }
        check(same, "sigmas");
      }
      if (tn.contains("timesteps")) check(res.timesteps == s.i64(tn["timesteps"]), "timesteps");
      auto fin = s.f32(tn["final"]);
      double r = tol_ratio(res.latent.f32(), fin.data(), fin.size(), kTol);
      if (tn.contains("xs")) {
        auto wx = s.f32(tn["xs"]), wd = s.f32(tn["denoised"]);
        check(xs.size() == wx.size(), "callback count " + std::to_string(xs.size() / fin.size()));
        if (xs.size() == wx.size()) {
          const auto [rx, rd] = trajectory_ratio(xs, den, sig, wx, wd, fin.size(), kTol);
          r = std::max({r, rx, rd});
        }
      }
      check(r <= 1.0, "trajectory error " + std::to_string(r) + " of tolerance");
      // Infotext fields A1111 added for this run.
      std::map<std::string, std::string> want_extra = c["extra_generation_params"].get<std::map<std::string, std::string>>();
      std::map<std::string, std::string> got_extra(res.extra.begin(), res.extra.end());
      const std::string label = schedule_label(sel);
      if (label != "Automatic") got_extra["Schedule type"] = label;
      check(got_extra == want_extra, "infotext fields");
      tally.add(name, ok, r);
    }
    std::printf("[a1111 pipeline] %s: %d/%d cases pass, worst error %.3g of tolerance (%s), sigmas max rel diff %.3g\n",
                s.name.c_str(), tally.pass, tally.total, tally.worst, tally.worst_case.c_str(), max_sigma_rel);
  }
}

}  // namespace
}  // namespace easel::test
