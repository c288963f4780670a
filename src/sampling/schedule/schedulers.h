// A1111's schedule types (sd_schedulers.py): one function per type, and the table mapping the
// UI label / internal name / aliases to it. "Automatic" means "the sampler's default".
#pragma once
#include <string_view>
#include <vector>

#include "sampling/schedule/discrete_schedule.h"

namespace easel {

struct ScheduleParams {
  int n = 20;                 // number of steps (sigmas returned: usually n + 1, trailing 0)
  double sigma_min = 0, sigma_max = 0;  // float32 model values widened, as A1111's .item()
  double rho = 0;             // 0: the schedule's default
  const DiscreteSchedule* model = nullptr;  // for the types that need the model's table
  // Which torch CPU linspace/math to reproduce; sigma <-> t and get_sigmas use the model's own.
  TorchKernel kernel = TorchKernel::Avx2;
  bool is_sdxl = false;       // Align Your Steps has an SDXL table
  double beta_alpha = 0.6, beta_beta = 0.6;  // A1111 opts beta_dist_alpha / beta_dist_beta
};

using ScheduleFn = std::vector<float> (*)(const ScheduleParams&);

std::vector<float> sigmas_uniform(const ScheduleParams& p);  // model.get_sigmas(n)
std::vector<float> sigmas_karras(const ScheduleParams& p);
std::vector<float> sigmas_exponential(const ScheduleParams& p);
std::vector<float> sigmas_polyexponential(const ScheduleParams& p);
std::vector<float> sigmas_sgm_uniform(const ScheduleParams& p);
std::vector<float> sigmas_kl_optimal(const ScheduleParams& p);
std::vector<float> sigmas_align_your_steps(const ScheduleParams& p);
std::vector<float> sigmas_simple(const ScheduleParams& p);
std::vector<float> sigmas_normal(const ScheduleParams& p);
std::vector<float> sigmas_ddim(const ScheduleParams& p);
std::vector<float> sigmas_beta(const ScheduleParams& p);

struct SchedulerDef {
  std::string_view name;   // "sgm_uniform"
  std::string_view label;  // "SGM Uniform" (what infotext writes as "Schedule type")
  std::vector<std::string_view> aliases;
  ScheduleFn fn;           // null for Automatic
  double default_rho = -1;
  bool needs_model = false;
};

const std::vector<SchedulerDef>& schedulers();
// By name, label or alias (exact, then case-insensitive); null when unknown.
const SchedulerDef* find_scheduler(std::string_view name);

// Timesteps of A1111's DDIM/PLMS/UniPC: clip(arange(0, 1000, 1000 // steps) + 1, 0, 999).
std::vector<int64_t> a1111_timesteps(int steps, int num_train_steps = 1000);

}  // namespace easel
