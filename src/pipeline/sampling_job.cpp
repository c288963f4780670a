// run_sampling: KDiffusionSampler.sample / sample_img2img and CompVisSampler.sample /
// sample_img2img of A1111 1.10 (default options), over the sampling module's pieces.
#include "pipeline/sampling_job.h"

#include <cmath>
#include <limits>

#include "pipeline/infotext.h"
#include "sampling/brownian/brownian_noise.h"
#include "sampling/tensor_ops.h"

namespace easel {

std::pair<int, int> img2img_steps(int steps, double strength, bool fix_steps) {
  if (fix_steps) {
    const int s = strength > 0 ? int(double(steps) / std::min(strength, 0.999)) : 0;
    return {s, steps - 1};
  }
  return {steps, int(std::min(strength, 0.999) * steps)};
}

std::vector<std::pair<std::string, std::string>> sampler_infotext_fields(const SamplingRequest& req) {
  std::vector<std::pair<std::string, std::string>> f;
  const SamplerDef& s = *req.sampler;
  const bool ts = s.kind == SamplerKind::Timestep;
  if ((s.params & kTakesEta) && req.eta) {
    const double def = ts ? 0.0 : 1.0;
    if (*req.eta != def) f.emplace_back(ts ? "Eta DDIM" : "Eta", py_float(*req.eta));
  }
  if (s.params & kTakesChurn) {
    if (req.s_churn && *req.s_churn != 0) f.emplace_back("Sigma churn", py_float(*req.s_churn));
    if (req.s_tmin && *req.s_tmin != 0) f.emplace_back("Sigma tmin", py_float(*req.s_tmin));
    if (req.s_tmax && std::isfinite(*req.s_tmax) && *req.s_tmax != 0) f.emplace_back("Sigma tmax", py_float(*req.s_tmax));
  }
  if ((s.params & kTakesSNoise) && req.s_noise && *req.s_noise != 1) f.emplace_back("Sigma noise", py_float(*req.s_noise));
  return f;
}

SamplingResult run_sampling(const SamplingRequest& req, const ModelEval& eval, const CfgConds& conds,
                            const DiscreteSchedule& schedule, const ProgressFn& progress,
                            const std::atomic<bool>* cancel, NoiseSampler noise_sampler) {
  if (!req.sampler) fail("sampling: no sampler");
  const SamplerDef& s = *req.sampler;
  if (req.steps < 1) fail("steps: expected >= 1, got {}", req.steps);
  const bool img2img = req.init_latent.defined();
  ImageRng rng(req.rng);
  Tensor noise = rng.first();
  if (img2img && req.init_latent.shape() != noise.shape())
    fail("img2img: init latent {} but noise {}", shape_str(req.init_latent.shape()), shape_str(noise.shape()));

  SamplerOptions user;
  if (req.s_churn) user.s_churn = *req.s_churn;
  if (req.s_tmin) user.s_tmin = *req.s_tmin;
  if (req.s_tmax && *req.s_tmax != 0) user.s_tmax = *req.s_tmax;
  if (req.s_noise) user.s_noise = *req.s_noise;

  WrappedModel wrapped(eval, s.wrap, schedule, req.v_prediction);
  CfgDenoiser cfg(std::move(wrapped), conds, cancel);
  SamplerRun run;
  run.model = &cfg;
  run.noise = &rng;
  run.opts = sampler_options(s, user, req.eta ? *req.eta : -1);
  SamplingResult res;
  Tensor x;
  int total = 0;
  const auto [steps, t_enc] = img2img ? img2img_steps(req.steps, req.denoising_strength, req.img2img_fix_steps)
                                      : std::pair<int, int>{req.steps, 0};
  if (img2img && steps < 1) fail("denoising strength: {} leaves no steps to run", req.denoising_strength);
  if (s.kind == SamplerKind::KDiffusion) {
    SigmaRequest sr;
    sr.steps = steps;
    sr.scheduler = req.scheduler;
    sr.model = &schedule;
    std::vector<float> sig = sampler_sigmas(s, sr);
    if (s.brownian_noise)  // create_noise_sampler: the full schedule and this batch's seeds
      run.noise_sampler = noise_sampler ? std::move(noise_sampler)
                                        : make_brownian_noise_sampler(noise.shape(), sig, req.rng.seeds, req.rng.source);
    if (img2img) {
      const int from = steps - t_enc - 1;
      if (from < 0 || from + 1 >= int(sig.size())) fail("img2img: {} steps at strength {} give no schedule", steps, req.denoising_strength);
      sig.erase(sig.begin(), sig.begin() + from);
      const float s0 = sig[0];
      x = emap([s0](float a, float n) { return a + n * s0; }, req.init_latent, noise);
      run.sigma_min = sig[sig.size() - 2];
      run.sigma_max = sig[0];
      run.n = int(sig.size()) - 1;
    } else {
      const float s0 = sig[0];
      x = emap([s0](float n) { return n * s0; }, noise);
      run.sigma_min = schedule.sigma_min();
      run.sigma_max = schedule.sigma_max();
      run.n = steps;
    }
    run.sigmas = sig;
    res.sigmas = sig;
    total = (s.params & kSigmaRange) ? run.n : int(sig.size()) - 1;
  } else {
    std::vector<int64_t> ts = a1111_timesteps(steps, schedule.size());
    if (img2img) {
      if (t_enc < 2) fail("img2img: {} steps at denoising strength {} are too few for {}", steps, req.denoising_strength, s.name);
      const float a = schedule.alphas_cumprod()[size_t(ts[size_t(t_enc)])];
      const float sa = std::sqrt(a), sb = std::sqrt(1.0f - a);
      ts.resize(size_t(t_enc));
      x = emap([=](float i, float n) { return i * sa + n * sb; }, req.init_latent, noise);
    } else {
      x = noise;
    }
    run.timesteps = ts;
    run.schedule = &schedule;
    res.timesteps = ts;
    total = int(ts.size()) - (s.name == "UniPC" ? 0 : 1);
  }
  if (progress)
    run.callback = [&](const StepInfo& st) { progress(SamplingProgress{st.i, total, st.sigma, st.x, st.denoised}); };
  try {
    res.latent = s.fn(run, x);
  } catch (const Interrupted&) {
    res.interrupted = true;
    res.latent = cfg.last_prediction().defined() ? cfg.last_prediction() : x;
  }
  res.model_calls = cfg.model_calls();
  res.rng_draws = rng.draws();
  res.extra = sampler_infotext_fields(req);
  return res;
}

}  // namespace easel
