// The schedule-type table (one row per A1111 scheduler) and the timestep list of A1111's
// DDIM/PLMS/UniPC samplers.
#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "sampling/schedule/schedulers.h"

namespace easel {

const std::vector<SchedulerDef>& schedulers() {
  static const std::vector<SchedulerDef> table = {
      {"automatic", "Automatic", {}, nullptr},
      {"uniform", "Uniform", {}, sigmas_uniform, -1, true},
      {"karras", "Karras", {}, sigmas_karras, 7.0},
      {"exponential", "Exponential", {}, sigmas_exponential},
      {"polyexponential", "Polyexponential", {}, sigmas_polyexponential, 1.0},
      {"sgm_uniform", "SGM Uniform", {"SGMUniform"}, sigmas_sgm_uniform, -1, true},
      {"kl_optimal", "KL Optimal", {}, sigmas_kl_optimal},
      {"align_your_steps", "Align Your Steps", {}, sigmas_align_your_steps},
      {"simple", "Simple", {}, sigmas_simple, -1, true},
      {"normal", "Normal", {}, sigmas_normal, -1, true},
      {"ddim", "DDIM", {}, sigmas_ddim, -1, true},
      {"beta", "Beta", {}, sigmas_beta, -1, true},
  };
  return table;
}

const SchedulerDef* find_scheduler(std::string_view name) {
  for (const auto& s : schedulers()) {
    if (s.name == name || s.label == name) return &s;
    for (auto a : s.aliases)
      if (a == name) return &s;
  }
  auto ieq = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
  };
  for (const auto& s : schedulers()) {
    if (ieq(s.name, name) || ieq(s.label, name)) return &s;
    for (auto a : s.aliases)
      if (ieq(a, name)) return &s;
  }
  return nullptr;
}

std::vector<int64_t> a1111_timesteps(int steps, int num_train_steps) {
  if (steps < 1 || steps > num_train_steps) fail("timestep samplers: steps must be in [1, {}], got {}", num_train_steps, steps);
  const int stride = num_train_steps / steps;
  std::vector<int64_t> out;
  for (int t = 0; t < num_train_steps; t += stride) out.push_back(std::clamp<int64_t>(t + 1, 0, num_train_steps - 1));
  return out;
}

}  // namespace easel
