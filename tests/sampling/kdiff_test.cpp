// Pure k-diffusion sampler trajectories (toy denoiser, stored noise) against every case of every
// oracle case set in that format: callbacks, final latent, model-call sigmas, draw/call counts.
#include <gtest/gtest.h>

#include "sampling/sampler_registry.h"
#include "sampling/tensor_ops.h"
#include "sampling_oracle.h"
#include "toy_models.h"

namespace easel::test {
namespace {

constexpr double kTol = 2e-5;

bool is_kdiff_set(const nlohmann::json& j) {
  const nlohmann::json* c = first_case(j);
  return c && c->contains("function") && !c->contains("sigmas") && (*c)["tensors"].contains("model_sigmas");
}

TEST(KDiffusion, Trajectories) {
  auto sets = load_case_sets(is_kdiff_set);
  ASSERT_FALSE(sets.empty());
  const CaseSet noise = load_noise_set();
  for (auto& s : sets) {
    SetTally tally;
    for (const auto& c : s.meta["cases"]) {
      ++tally.total;
      const std::string name = c["case"];
      const auto& tn = c["tensors"];
      const SamplerDef* def = find_sampler_by_upstream(c["function"].get<std::string>());
      ASSERT_TRUE(def) << name << ": no sampler for " << c["function"];
      SamplerOptions user;
      const auto& kw = c["kwargs"];
      if (kw.contains("s_churn")) user.s_churn = kw["s_churn"];
      if (kw.contains("s_noise")) user.s_noise = kw["s_noise"];
      SamplerRun run;
      run.opts = SamplerOptions{};
      run.opts.s_churn = user.s_churn;
      run.opts.eta = kw.value("eta", (def->params & kSigmaRange) ? 0.0 : 1.0);  // k-diffusion defaults
      if (kw.contains("solver_type")) run.opts.solver_type = kw["solver_type"];
      std::vector<double> model_sigmas;
      FnDenoiser model([&](const Tensor& x, float sg) {
        model_sigmas.push_back(sg);
        return emap([sg](float v) { return toy_D(v, sg, 0.1f); }, x);
      });
      ReplayNoise rn(noise.tensor("noise_list"));
      Recorded rec;
      run.model = &model;
      run.noise = &rn;
      run.callback = rec.callback();
      run.sigmas = s.f32(tn["sigmas"]);
      run.sigma_max = run.sigmas.front();
      run.sigma_min = run.sigmas[run.sigmas.size() - 2];
      run.n = c["n"];
      Tensor x = s.tensor(tn["x_init"]);
      Tensor out = def->fn(run, x);
      bool ok = true;
      auto want_i = c["callback_i"].get<std::vector<int>>();
      EXPECT_EQ(rec.i, want_i) << name;
      ok &= rec.i == want_i;
      EXPECT_EQ(rn.draws, c["noise_draws"].get<int64_t>()) << name;
      ok &= rn.draws == c["noise_draws"].get<int64_t>();
      EXPECT_EQ(int(model_sigmas.size()), c["n_model_calls"].get<int>()) << name;
      ok &= int(model_sigmas.size()) == c["n_model_calls"].get<int>();
      auto want_ms = s.f64(tn["model_sigmas"]);
      if (model_sigmas.size() == want_ms.size()) {
        for (size_t k = 0; k < want_ms.size(); ++k) {
          const double r = std::fabs(model_sigmas[k] - want_ms[k]) / (kTol * std::max(1.0, std::fabs(want_ms[k])));
          tally.worst = std::max(tally.worst, r);
          if (r > 1) { ok = false; ADD_FAILURE() << name << " model sigma " << k << ": " << model_sigmas[k] << " vs " << want_ms[k]; break; }
        }
      }
      auto want_fin = s.f32(tn["final"]);
      double rf = tol_ratio(out.f32(), want_fin.data(), want_fin.size(), kTol);
      const auto [rx, rd] = trajectory_ratio(rec.xs, rec.den, rec.sigma, s.f32(tn["xs"]), s.f32(tn["denoised"]),
                                             want_fin.size(), kTol);
      const double r = std::max({rf, rx, rd});
      EXPECT_LE(r, 1.0) << name << ": final " << rf << " callback x " << rx << " denoised " << rd << " (x tolerance units)";
      ok &= r <= 1.0;
      tally.add(name, ok, r);
    }
    tally.print("kdiff", s.name);
  }
}

}  // namespace
}  // namespace easel::test
