// End-to-end txt2img sampling as A1111 runs it (toy eps model wrapped like an SD1.x checkpoint,
// CFG 7, batch of 2): ImageRng noise, the sampler's default schedule, sampler noise draws, SDE
// noise from our Brownian tree (every query checked against the stored one), callbacks, final.
#include <gtest/gtest.h>

#include "sampling/brownian/brownian_noise.h"
#include "sampling/cfg_denoiser.h"
#include "sampling/rng/image_rng.h"
#include "sampling/sampler_registry.h"
#include "sampling/tensor_ops.h"
#include "sampling_oracle.h"
#include "toy_models.h"

namespace easel::test {
namespace {

constexpr double kTol = 2e-5;

int64_t ulps(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  return a == b ? 0 : std::llabs(int64_t(ia) - int64_t(ib));
}

TEST(A1111Pipeline, Cases) {
  auto sets = load_case_sets(is_pipeline_set);
  ASSERT_FALSE(sets.empty());
  auto model = DiscreteSchedule::sd_default();
  for (auto& s : sets) {
    SetTally tally;
    int sde_cases = 0;
    int64_t sde_queries = 0, sde_sigma_off = 0;
    double sde_worst = 0;
    for (const auto& c : s.meta["cases"]) {
      ++tally.total;
      const std::string name = c["case"];
      const auto& tn = c["tensors"];
      SCOPED_TRACE(name);
      auto choice = find_sampler(c["sampler"].get<std::string>());
      ASSERT_TRUE(choice.sampler) << c["sampler"];
      const SamplerDef& def = *choice.sampler;
      const SchedulerDef* sched = c.contains("scheduler") ? find_scheduler(c["scheduler"].get<std::string>()) : choice.scheduler;
      const int steps = c["steps"];
      Tensor noise0 = s.tensor(tn["noise"]);
      const int64_t B = noise0.dim(0);

      ImageRngOptions ro;
      ro.source = c["source"] == "NV" ? RandnSource::Nv : RandnSource::Cpu;
      ro.shape = {noise0.dim(1), noise0.dim(2), noise0.dim(3)};
      for (const auto& v : c["seeds"]) ro.seeds.push_back(v.get<uint64_t>());
      if (c["subseeds"].is_array())
        for (const auto& v : c["subseeds"]) ro.subseeds.push_back(v.get<uint64_t>());
      ro.subseed_strength = c.value("subseed_strength", 0.0);
      ro.eta_noise_seed_delta = def.uses_ensd ? c.value("ensd", int64_t(0)) : 0;
      ImageRng rng(ro);
      Tensor init = rng.first();
      bool ok = true;
      auto want_noise = s.f32(tn["noise"]);
      EXPECT_EQ(0, std::memcmp(init.f32(), want_noise.data(), want_noise.size() * 4)) << "initial noise";
      ok &= std::memcmp(init.f32(), want_noise.data(), want_noise.size() * 4) == 0;

      std::vector<float> table = {-0.4f, 0.1f};
      CfgConds conds;
      for (int64_t i = 0; i < B; ++i) {
        conds.cond.push_back({CondPart{{{int64_t(steps) * 1000, 0}}, 1.0}});
        conds.uncond.push_back({{int64_t(steps) * 1000, 1}});
      }
      conds.scale = 7.0;
      ModelEval eval = [&](const Tensor& x, const std::vector<float>& t, const std::vector<int>& cond) {
        Tensor out = Tensor::empty(x.shape());
        const int64_t per = x.numel() / x.dim(0);
        for (int64_t r = 0; r < x.dim(0); ++r)
          for (int64_t k = 0; k < per; ++k)
            out.f32()[r * per + k] = toy_eps(x.f32()[r * per + k], t[size_t(r)], table[size_t(cond[size_t(r)])]);
        return out;
      };
      CfgDenoiser cfg(WrappedModel(eval, def.wrap, model), conds);
      SamplerRun run;
      run.model = &cfg;
      run.noise = &rng;
      run.opts = sampler_options(def, SamplerOptions{}, c.value("eta", -1.0));
      run.schedule = &model;
      Recorded rec;
      run.callback = rec.callback();
      Tensor x = init;
      int64_t brownian_calls = 0;
      double brownian_err = 0, brownian_ratio = 0;
      int64_t sigma_off = 0, sigma_ulp = 0;  // queries whose sigmas are not upstream's bits
      if (def.kind == SamplerKind::Timestep) {
        run.timesteps = a1111_timesteps(steps);
        EXPECT_EQ(run.timesteps, s.i64(tn["timesteps"]));
      } else {
        SigmaRequest req;
        req.steps = steps;
        req.scheduler = sched;
        req.model = &model;
        run.sigmas = sampler_sigmas(def, req);
        auto want_sig = s.f32(tn["sigmas"]);
        ASSERT_EQ(run.sigmas.size(), want_sig.size());
        int64_t wu = 0;
        for (size_t k = 0; k < want_sig.size(); ++k) wu = std::max(wu, ulps(run.sigmas[k], want_sig[k]));
        EXPECT_LE(wu, 4) << "sigmas";
        run.sigma_min = model.sigma_min();
        run.sigma_max = model.sigma_max();
        run.n = steps;
        const float s0 = run.sigmas[0];
        x = emap([s0](float v) { return v * s0; }, init);
        if (def.brownian_noise) {
          // A1111 create_noise_sampler: one tree per image seeded with all_seeds (no ENSD), over
          // [min positive sigma, max sigma] of the schedule, nodes drawn from the run's source.
          std::vector<uint64_t> seeds;
          for (const auto& v : c["seeds"]) seeds.push_back(v.get<uint64_t>());
          NoiseSampler tree = make_brownian_noise_sampler(init.shape(), run.sigmas, seeds, ro.source);
          const bool stored = tn.contains("brownian_noise");
          Tensor bn = stored ? s.tensor(tn["brownian_noise"]) : Tensor();
          auto pairs = stored ? s.f64(tn["brownian_sigma_pairs"]) : std::vector<double>();
          run.noise_sampler = [&, tree, bn, pairs, stored](float a, float b) {
            const int64_t k = brownian_calls++;
            Tensor got = tree(a, b);
            if (!stored) return got;
            if (k >= bn.dim(0)) throw std::runtime_error("more Brownian queries than stored");
            EXPECT_NEAR(a, pairs[size_t(2 * k)], 1e-6 * std::max(1.0, pairs[size_t(2 * k)])) << "query " << k;
            EXPECT_NEAR(b, pairs[size_t(2 * k + 1)], 1e-6 * std::max(1.0, pairs[size_t(2 * k + 1)])) << "query " << k;
            // torchsde rounds query times to 1e-6, so a one-ulp sigma difference can move a
            // time to another grid point and change the noise by far more than an ulp.
            const int64_t du = std::max(ulps(a, float(pairs[size_t(2 * k)])), ulps(b, float(pairs[size_t(2 * k + 1)])));
            sigma_off += du != 0;
            sigma_ulp = std::max(sigma_ulp, du);
            const int64_t per = bn.numel() / bn.dim(0);
            const float* w = bn.f32() + k * per;
            for (int64_t i = 0; i < per; ++i) {
              const double e = std::fabs(double(got.f32()[i]) - double(w[i]));
              brownian_err = std::max(brownian_err, e);
              // Noise divides by sqrt|dt|, so its tolerance follows the value, not the latent.
              brownian_ratio = std::max(brownian_ratio, e / (kTol * std::max(1.0, std::fabs(double(w[i])))));
            }
            return got;
          };
        }
      }
      Tensor out = def.fn(run, x);
      if (def.brownian_noise && tn.contains("brownian_noise")) {
        const int64_t want_q = s.tensor(tn["brownian_noise"]).dim(0);
        EXPECT_EQ(brownian_calls, want_q) << "Brownian queries";
        EXPECT_LE(brownian_ratio, 1.0) << "Brownian noise, max abs error " << brownian_err << "; " << sigma_off
                                       << " queries at sigmas off by up to " << sigma_ulp << " ulp";
        ok &= brownian_calls == want_q && brownian_ratio <= 1.0;
        sde_queries += brownian_calls;
        sde_cases += 1;
        sde_worst = std::max(sde_worst, brownian_err);
        sde_sigma_off += sigma_off;
      }
      EXPECT_EQ(rng.draws(), c["rng_draws"].get<int64_t>()) << "rng draws";
      ok &= rng.draws() == c["rng_draws"].get<int64_t>();
      EXPECT_EQ(cfg.model_calls(), c["n_model_calls"].get<int>()) << "model calls";
      ok &= cfg.model_calls() == c["n_model_calls"].get<int>();
      auto want_i = c["callback_i"].get<std::vector<int>>();
      EXPECT_EQ(rec.i, want_i);
      ok &= rec.i == want_i;
      auto want_fin = s.f32(tn["final"]);
      double r = tol_ratio(out.f32(), want_fin.data(), want_fin.size(), kTol);
      if (tn.contains("xs")) {
        const auto [rx, rd] = trajectory_ratio(rec.xs, rec.den, rec.sigma, s.f32(tn["xs"]), s.f32(tn["denoised"]),
                                               want_fin.size(), kTol);
        r = std::max({r, rx, rd});
      }
      EXPECT_LE(r, 1.0) << "trajectory";
      ok &= r <= 1.0;
      tally.add(name, ok, r);
    }
    tally.print("a1111", s.name);
    if (sde_cases)
      std::printf("[a1111] %s: Brownian tree noise in %d SDE cases, %lld queries (%lld at sigmas not bit-equal to "
                  "upstream's), max abs error %.3g vs stored\n",
                  s.name.c_str(), sde_cases, (long long)sde_queries, (long long)sde_sigma_off, sde_worst);
  }
}

}  // namespace
}  // namespace easel::test
