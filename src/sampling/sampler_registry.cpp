// One row per sampler. Adding a sampler = its file under samplers/ + one row here.
#include "sampling/sampler_registry.h"

#include <algorithm>
#include <cctype>

#include "sampling/model_wrap.h"

namespace easel {

Tensor sample_euler_ancestral(SamplerRun&, Tensor);
Tensor sample_euler(SamplerRun&, Tensor);
Tensor sample_lms(SamplerRun&, Tensor);
Tensor sample_heun(SamplerRun&, Tensor);
Tensor sample_dpm_2(SamplerRun&, Tensor);
Tensor sample_dpm_2_ancestral(SamplerRun&, Tensor);
Tensor sample_dpmpp_2s_ancestral(SamplerRun&, Tensor);
Tensor sample_dpmpp_2m(SamplerRun&, Tensor);
Tensor sample_dpmpp_sde(SamplerRun&, Tensor);
Tensor sample_dpmpp_2m_sde(SamplerRun&, Tensor);
Tensor sample_dpmpp_3m_sde(SamplerRun&, Tensor);
Tensor sample_dpm_fast(SamplerRun&, Tensor);
Tensor sample_dpm_adaptive(SamplerRun&, Tensor);
Tensor sample_restart(SamplerRun&, Tensor);
Tensor sample_lcm(SamplerRun&, Tensor);
Tensor sample_ddim(SamplerRun&, Tensor);
Tensor sample_ddim_cfgpp(SamplerRun&, Tensor);
Tensor sample_plms(SamplerRun&, Tensor);
Tensor sample_unipc(SamplerRun&, Tensor);

namespace {
constexpr auto K = SamplerKind::KDiffusion;
constexpr auto T = SamplerKind::Timestep;
constexpr auto CV = ModelWrap::CompVis;
constexpr unsigned ETA = kTakesEta, CH = kTakesChurn, SN = kTakesSNoise;
}  // namespace

const std::vector<SamplerDef>& samplers() {
  // name, aliases, upstream function, fn, kind, wrap, scheduler, discard, second_order, ensd, brownian, solver, params
  static const std::vector<SamplerDef> table = {
      {"DPM++ 2M", {"k_dpmpp_2m"}, "sample_dpmpp_2m", sample_dpmpp_2m, K, CV, "karras"},
      {"DPM++ SDE", {"k_dpmpp_sde"}, "sample_dpmpp_sde", sample_dpmpp_sde, K, CV, "karras", false, true, false, true, "", ETA | SN},
      {"DPM++ 2M SDE", {"k_dpmpp_2m_sde"}, "sample_dpmpp_2m_sde", sample_dpmpp_2m_sde, K, CV, "exponential", false, false, false, true, "", ETA | SN},
      {"DPM++ 2M SDE Heun", {"k_dpmpp_2m_sde_heun"}, "sample_dpmpp_2m_sde", sample_dpmpp_2m_sde, K, CV, "exponential", false, false, false, true, "heun", ETA | SN},
      {"DPM++ 2S a", {"k_dpmpp_2s_a"}, "sample_dpmpp_2s_ancestral", sample_dpmpp_2s_ancestral, K, CV, "karras", false, true, true, false, "", ETA | SN},
      {"DPM++ 3M SDE", {"k_dpmpp_3m_sde"}, "sample_dpmpp_3m_sde", sample_dpmpp_3m_sde, K, CV, "exponential", true, false, false, true, "", ETA | SN},
      {"Euler a", {"k_euler_a", "k_euler_ancestral"}, "sample_euler_ancestral", sample_euler_ancestral, K, CV, "", false, false, true, false, "", ETA},
      {"Euler", {"k_euler"}, "sample_euler", sample_euler, K, CV, "", false, false, false, false, "", CH | SN},
      {"LMS", {"k_lms"}, "sample_lms", sample_lms, K, CV, ""},
      {"Heun", {"k_heun"}, "sample_heun", sample_heun, K, CV, "", false, true, false, false, "", CH | SN},
      {"DPM2", {"k_dpm_2"}, "sample_dpm_2", sample_dpm_2, K, CV, "karras", true, true, false, false, "", CH | SN},
      {"DPM2 a", {"k_dpm_2_a"}, "sample_dpm_2_ancestral", sample_dpm_2_ancestral, K, CV, "karras", true, true, true, false, "", ETA | SN},
      {"DPM fast", {"k_dpm_fast"}, "sample_dpm_fast", sample_dpm_fast, K, CV, "", false, false, true, false, "", ETA | SN | kSigmaRange},
      {"DPM adaptive", {"k_dpm_ad"}, "sample_dpm_adaptive", sample_dpm_adaptive, K, CV, "", false, false, true, false, "", ETA | kSigmaRange},
      {"Restart", {"restart"}, "a1111:restart_sampler", sample_restart, K, CV, "karras", false, true},
      {"DDIM", {"ddim"}, "ddim", sample_ddim, T, ModelWrap::Eps, "", false, false, false, false, "", ETA},
      {"DDIM CFG++", {"ddim_cfgpp"}, "ddim_cfgpp", sample_ddim_cfgpp, T, ModelWrap::Eps, "", false, false, false, false, "", ETA},
      {"PLMS", {"plms"}, "plms", sample_plms, T, ModelWrap::Eps},
      {"UniPC", {"unipc"}, "unipc", sample_unipc, T, ModelWrap::Eps},
      {"LCM", {"k_lcm"}, "a1111:sample_lcm", sample_lcm, K, ModelWrap::Lcm},
  };
  return table;
}

namespace {

bool ieq(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

const SamplerDef* lookup(std::string_view name) {
  for (const auto& s : samplers())
    if (s.name == name) return &s;
  for (const auto& s : samplers()) {
    if (ieq(s.name, name)) return &s;
    for (auto a : s.aliases)
      if (ieq(a, name)) return &s;
  }
  return nullptr;
}

}  // namespace

SamplerChoice find_sampler(std::string_view name) {
  if (const SamplerDef* s = lookup(name)) return {s, nullptr};
  for (const auto& sch : schedulers()) {
    std::vector<std::string_view> opts = {sch.label};
    opts.insert(opts.end(), sch.aliases.begin(), sch.aliases.end());
    for (auto o : opts) {
      if (name.size() > o.size() + 1 && name.substr(name.size() - o.size()) == o && name[name.size() - o.size() - 1] == ' ') {
        if (const SamplerDef* s = lookup(name.substr(0, name.size() - o.size() - 1))) return {s, &sch};
      }
    }
  }
  return {};
}

const SamplerDef* find_sampler_by_upstream(std::string_view fn) {
  for (const auto& s : samplers())
    if (s.upstream == fn) return &s;
  return nullptr;
}

const SchedulerDef* effective_scheduler(const SamplerDef& s, const SchedulerDef* req) {
  if (!req || req->name == "automatic") {
    if (s.scheduler.empty()) return nullptr;
    return find_scheduler(s.scheduler);
  }
  return req;
}

std::vector<float> sampler_sigmas(const SamplerDef& s, const SigmaRequest& req) {
  if (!req.model) fail("sampler '{}': sigmas need the model's noise table", s.name);
  if (req.steps < 1) fail("sampler '{}': steps must be >= 1, got {}", s.name, req.steps);
  const bool discard = s.discard_next_to_last_sigma || req.always_discard_next_to_last_sigma;
  const int steps = req.steps + (discard ? 1 : 0);
  const SchedulerDef* sch = effective_scheduler(s, req.scheduler);
  std::vector<float> sig;
  if (!sch || !sch->fn) {
    sig = s.wrap == ModelWrap::Lcm ? lcm_get_sigmas(*req.model, steps) : req.model->get_sigmas(steps);
  } else {
    ScheduleParams p;
    p.n = steps;
    const double mmin = req.model->sigma_min(), mmax = req.model->sigma_max();
    p.sigma_min = (req.sigma_min != 0 && req.sigma_min != mmin) ? req.sigma_min : mmin;
    p.sigma_max = (req.sigma_max != 0 && req.sigma_max != mmax) ? req.sigma_max : mmax;
    if (sch->default_rho != -1 && req.rho != 0 && req.rho != sch->default_rho) p.rho = req.rho;
    p.model = req.model;
    p.kernel = req.model->kernel();
    p.is_sdxl = req.is_sdxl;
    sig = sch->fn(p);
  }
  if (discard && sig.size() >= 2) sig.erase(sig.end() - 2);
  return sig;
}

SamplerOptions sampler_options(const SamplerDef& s, SamplerOptions user, double eta) {
  SamplerOptions o;  // upstream defaults
  o.unipc_variant = user.unipc_variant;
  o.unipc_skip_type = user.unipc_skip_type;
  o.unipc_order = user.unipc_order;
  o.unipc_lower_order_final = user.unipc_lower_order_final;
  if (!s.solver_type.empty()) o.solver_type = std::string(s.solver_type);
  if (s.params & kTakesEta) o.eta = eta >= 0 ? eta : (s.kind == SamplerKind::Timestep ? 0.0 : 1.0);
  else o.eta = s.kind == SamplerKind::Timestep ? 0.0 : 1.0;
  if (s.params & kTakesChurn) {
    o.s_churn = user.s_churn;
    o.s_tmin = user.s_tmin;
    o.s_tmax = user.s_tmax;
  }
  if (s.params & kTakesSNoise) o.s_noise = user.s_noise;
  return o;
}

}  // namespace easel
