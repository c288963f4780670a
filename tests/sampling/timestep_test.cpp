// Pure timestep-sampler trajectories (DDIM, PLMS, UniPC on the toy eps model with stored noise)
// against every case of every oracle case set in that format.
#include <gtest/gtest.h>

#include "sampling/sampler_registry.h"
#include "sampling/tensor_ops.h"
#include "sampling_oracle.h"
#include "toy_models.h"

namespace easel::test {
namespace {

constexpr double kTol = 2e-5;

bool is_timestep_set(const nlohmann::json& j) {
  const nlohmann::json* c = first_case(j);
  return c && c->contains("tensors") && (*c)["tensors"].contains("model_t");
}

TEST(Timestep, Trajectories) {
  auto sets = load_case_sets(is_timestep_set);
  ASSERT_FALSE(sets.empty());
  const CaseSet noise = load_noise_set();
  auto model_sched = DiscreteSchedule::sd_default();
  for (auto& s : sets) {
    SetTally tally;
    for (const auto& c : s.meta["cases"]) {
      ++tally.total;
      const std::string name = c["case"];
      const auto& tn = c["tensors"];
      const SamplerDef* def = find_sampler_by_upstream(c["function"].get<std::string>());
      ASSERT_TRUE(def) << name << ": no sampler for " << c["function"];
      SamplerRun run;
      run.opts.eta = c["kwargs"].value("eta", 0.0);
      const auto& o = c["opts"];
      run.opts.unipc_variant = o.value("uni_pc_variant", "bh1");
      run.opts.unipc_skip_type = o.value("uni_pc_skip_type", "time_uniform");
      run.opts.unipc_order = o.value("uni_pc_order", 3);
      run.opts.unipc_lower_order_final = o.value("uni_pc_lower_order_final", true);
      std::vector<double> model_t;
      FnDenoiser model([&](const Tensor& x, float t) {
        model_t.push_back(t);
        return emap([t](float v) { return toy_eps(v, t, 0.1f); }, x);
      });
      ReplayNoise rn(noise.tensor("noise_list"));
      Recorded rec;
      run.model = &model;
      run.noise = &rn;
      run.callback = rec.callback();
      run.timesteps = s.i64(tn["timesteps"]);
      run.schedule = &model_sched;
      bool ok = true;
      auto want_ts = a1111_timesteps(c["steps"]);
      EXPECT_EQ(run.timesteps, want_ts) << name;
      ok &= run.timesteps == want_ts;
      Tensor out = def->fn(run, s.tensor(tn["x_init"]));
      EXPECT_EQ(rn.draws, c["noise_draws"].get<int64_t>()) << name;
      ok &= rn.draws == c["noise_draws"].get<int64_t>();
      EXPECT_EQ(int(model_t.size()), c["n_model_calls"].get<int>()) << name;
      ok &= int(model_t.size()) == c["n_model_calls"].get<int>();
      // Model times: the logSNR path runs log(1 - exp(2 log_alpha)) near log_alpha = 0 in float32,
      // where one ulp of libm (glibc vs torch's SLEEF) moves t by ~1e-4 timesteps.
      auto want_t = s.f64(tn["model_t"]);
      if (want_t.size() == model_t.size())
        for (size_t k = 0; k < want_t.size(); ++k) {
          const double r = std::fabs(model_t[k] - want_t[k]) / 2e-4;
          if (r > 1) { ok = false; ADD_FAILURE() << name << " model t " << k << ": " << model_t[k] << " vs " << want_t[k]; break; }
        }
      auto want_fin = s.f32(tn["final"]), want_x = s.f32(tn["xs"]), want_d = s.f32(tn["denoised"]);
      double r = tol_ratio(out.f32(), want_fin.data(), want_fin.size(), kTol);
      if (rec.xs.size() == want_x.size()) {
        r = std::max(r, tol_ratio(rec.xs.data(), want_x.data(), want_x.size(), kTol));
        r = std::max(r, tol_ratio(rec.den.data(), want_d.data(), want_d.size(), kTol));
      } else {
        ADD_FAILURE() << name << ": " << rec.i.size() << " callbacks";
        r = INFINITY;
      }
      EXPECT_LE(r, 1.0) << name;
      ok &= r <= 1.0;
      tally.add(name, ok, r);
    }
    tally.print("timestep", s.name);
  }
}

}  // namespace
}  // namespace easel::test
