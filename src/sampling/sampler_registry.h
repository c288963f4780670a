// The sampler table: one row per A1111 sampler (UI name, aliases, function, default schedule and
// options), name lookup including pre-1.9 combined names ("DPM++ 2M Karras"), and the sigma /
// timestep list A1111 feeds each sampler.
#pragma once
#include <string_view>
#include <vector>

#include "sampling/sampler.h"
#include "sampling/schedule/schedulers.h"

namespace easel {

enum class SamplerKind { KDiffusion, Timestep };
// How A1111 wraps the eps-predicting network for this sampler.
enum class ModelWrap { CompVis, Lcm, Eps };

enum SamplerParam : unsigned {
  kTakesEta = 1,      // eta (eta_ancestral, or eta_ddim for timestep samplers)
  kTakesChurn = 2,    // s_churn, s_tmin, s_tmax
  kTakesSNoise = 4,   // s_noise
  kSigmaRange = 8,    // runs between the model's sigma_min/max (DPM fast/adaptive), n = steps
};

struct SamplerDef {
  std::string_view name;  // A1111 UI name, e.g. "DPM++ 2M"
  std::vector<std::string_view> aliases;
  std::string_view upstream;  // k-diffusion / A1111 function it reproduces ("sample_euler", "ddim")
  SamplerFn fn;
  SamplerKind kind = SamplerKind::KDiffusion;
  ModelWrap wrap = ModelWrap::CompVis;
  std::string_view scheduler;  // default schedule type ("" = the model's get_sigmas)
  bool discard_next_to_last_sigma = false, second_order = false, uses_ensd = false, brownian_noise = false;
  std::string_view solver_type;  // "heun" for DPM++ 2M SDE Heun
  unsigned params = 0;
};

const std::vector<SamplerDef>& samplers();

struct SamplerChoice {
  const SamplerDef* sampler = nullptr;
  const SchedulerDef* scheduler = nullptr;  // from a combined name, else null (= Automatic)
};
// Name or alias (exact, then case-insensitive); a trailing schedule label/alias is split off
// first, as A1111's get_sampler_and_scheduler does. sampler is null when unknown.
SamplerChoice find_sampler(std::string_view name);
// The first row reproducing upstream function `fn` ("sample_dpmpp_2m_sde"), or null.
const SamplerDef* find_sampler_by_upstream(std::string_view fn);

struct SigmaRequest {
  int steps = 20;
  const SchedulerDef* scheduler = nullptr;  // null or Automatic: the sampler's default
  const DiscreteSchedule* model = nullptr;
  double sigma_min = 0, sigma_max = 0, rho = 0;  // A1111 opts overrides; 0 = off
  bool always_discard_next_to_last_sigma = false;  // (torch kernel: the model's, model->kernel())
  bool is_sdxl = false;
};
// KDiffusionSampler.get_sigmas: the schedule a k-diffusion sampler runs (incl. trailing 0).
std::vector<float> sampler_sigmas(const SamplerDef& s, const SigmaRequest& req);
// The schedule type actually used (null: the model's get_sigmas), for "Schedule type" infotext.
const SchedulerDef* effective_scheduler(const SamplerDef& s, const SchedulerDef* requested);

// Options as this sampler receives them: options it does not take keep upstream defaults; eta
// defaults to eta_ancestral (1) or, for timestep samplers, eta_ddim (0) when `eta` is negative.
SamplerOptions sampler_options(const SamplerDef& s, SamplerOptions user, double eta = -1);

}  // namespace easel
