// One batch through a sampler the way A1111's KDiffusionSampler / CompVisSampler run it: the
// schedule the sampler gets, the initial noise from the batch's ImageRng (scaled by sigma_max for
// k-diffusion), img2img's step rule and noising, eta/churn options, CFG over a ModelEval.
// No networks here: the model is a ModelEval, so tests can drive it with a toy model.
#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sampling/cfg_denoiser.h"
#include "sampling/rng/image_rng.h"
#include "sampling/sampler_registry.h"

namespace easel {

struct SamplingRequest {
  const SamplerDef* sampler = nullptr;
  const SchedulerDef* scheduler = nullptr;  // null: Automatic
  int steps = 20;
  std::optional<double> eta;
  std::optional<double> s_churn, s_tmin, s_tmax, s_noise;
  ImageRngOptions rng;                      // shape [C,h,w], seeds of this batch, ...
  // img2img: init latent [B,C,h,w] (already scaled); empty for txt2img.
  Tensor init_latent;
  double denoising_strength = 0.75;
  bool img2img_fix_steps = false;           // A1111 option "img2img_fix_steps" (do exactly `steps`)
  bool v_prediction = false;
};

struct SamplingProgress {
  int step = 0, total = 0;   // callback index and the number of callbacks expected
  float sigma = 0;           // sigma (k-diffusion) or 0 (timestep samplers)
  const Tensor& x;           // the state the sampler reports
  const Tensor& denoised;    // its x0 prediction (may be undefined)
};
using ProgressFn = std::function<void(const SamplingProgress&)>;

struct SamplingResult {
  Tensor latent;             // [B,C,h,w]
  std::vector<float> sigmas; // the schedule run (k-diffusion)
  std::vector<int64_t> timesteps;
  int model_calls = 0;
  // Cancelled between model calls: `latent` is then A1111's last_latent (the last prediction, or
  // the starting latent when no call finished), which A1111 still decodes and saves.
  bool interrupted = false;
  int64_t rng_draws = 0;
  // Infotext fields this run adds (A1111 extra_generation_params), in order.
  std::vector<std::pair<std::string, std::string>> extra;
};

// A1111 setup_img2img_steps: {steps to schedule, t_enc}.
std::pair<int, int> img2img_steps(int steps, double denoising_strength, bool fix_steps);

// The infotext fields a sampler adds for these options ("Eta", "Eta DDIM", "Sigma churn", ...).
std::vector<std::pair<std::string, std::string>> sampler_infotext_fields(const SamplingRequest& req);

// Runs the batch. `conds` is the CFG conditioning (ids resolved by `eval`); `schedule` the
// model's noise table. When `cancel` becomes true between model calls, returns early with
// `interrupted` set (it does not throw).
// The SDE samplers get A1111's Brownian-tree noise; `noise_sampler` (tests) replaces it.
SamplingResult run_sampling(const SamplingRequest& req, const ModelEval& eval, const CfgConds& conds,
                            const DiscreteSchedule& schedule, const ProgressFn& progress = {},
                            const std::atomic<bool>* cancel = nullptr, NoiseSampler noise_sampler = {});

}  // namespace easel
