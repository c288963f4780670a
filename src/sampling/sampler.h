// What every sampler function sees: the model to call (a Denoiser), the noise it may draw, the
// per-step callback, its options and its schedule. One small pure function per sampler
// (samplers/*.cpp), all with the signature SamplerFn.
#pragma once
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "sampling/noise.h"
#include "sampling/schedule/discrete_schedule.h"

namespace easel {

// The model as a sampler calls it. k-diffusion samplers: x0 prediction ("denoised") at noise
// level `sigma`. Timestep samplers (DDIM, PLMS, UniPC): predicted noise eps at timestep `sigma`.
// Every image of the batch shares the one value, as in every k-diffusion/A1111 sampler.
class Denoiser {
 public:
  virtual ~Denoiser() = default;
  virtual Tensor operator()(const Tensor& x, float sigma) = 0;
  // DDIM CFG++ (A1111): scale CFG by `multiplier` from now on and keep the unconditional output.
  virtual void enable_cfgpp(double multiplier) { fail("this sampler needs a CFG denoiser (DDIM CFG++)"); }
  virtual Tensor last_uncond() const { fail("this sampler needs a CFG denoiser (DDIM CFG++)"); }
};

// A Denoiser from a plain function (tests, unconditional models).
class FnDenoiser : public Denoiser {
 public:
  explicit FnDenoiser(std::function<Tensor(const Tensor&, float)> f) : f_(std::move(f)) {}
  Tensor operator()(const Tensor& x, float sigma) override { return f_(x, sigma); }

 private:
  std::function<Tensor(const Tensor&, float)> f_;
};

// What a sampler reports once per step (k-diffusion's callback dict). `denoised` may be
// undefined (UniPC's last step). For timestep samplers x is the state after the step.
struct StepInfo {
  int i = 0;
  float sigma = 0, sigma_hat = 0;
  const Tensor& x;
  const Tensor& denoised;
};
using StepCallback = std::function<void(const StepInfo&)>;

// k-diffusion noise_sampler(sigma, sigma_next): the SDE samplers' step noise (A1111: Brownian tree).
using NoiseSampler = std::function<Tensor(float sigma, float sigma_next)>;

struct SamplerOptions {
  double eta = 1.0;  // ancestral/SDE eta (A1111 eta_ancestral); DDIM uses eta_ddim (0)
  double s_churn = 0, s_tmin = 0, s_tmax = std::numeric_limits<double>::infinity(), s_noise = 1;
  std::string solver_type = "midpoint";  // DPM++ 2M SDE: "midpoint" or "heun"
  // UniPC (A1111 opts uni_pc_*)
  std::string unipc_variant = "bh1", unipc_skip_type = "time_uniform";
  int unipc_order = 3;
  bool unipc_lower_order_final = true;
};

struct SamplerRun {
  Denoiser* model = nullptr;
  NoiseSource* noise = nullptr;  // torch.randn_like(x) draws (A1111: ImageRNG.next())
  NoiseSampler noise_sampler;    // SDE samplers; empty: draws from `noise`
  StepCallback callback;         // may be empty
  SamplerOptions opts;
  std::vector<float> sigmas;       // k-diffusion samplers: the schedule incl. trailing 0
  std::vector<int64_t> timesteps;  // timestep samplers (ascending, A1111 order)
  const DiscreteSchedule* schedule = nullptr;  // alphas_cumprod for timestep samplers
  // DPM fast / adaptive ignore `sigmas`: they run from sigma_max to sigma_min (n model calls for fast).
  double sigma_min = 0, sigma_max = 0;
  int n = 0;

  Tensor denoise(const Tensor& x, float sigma) { return (*model)(x, sigma); }
  Tensor randn_like(const Tensor& x) {
    if (!noise) fail("sampler needs a noise source");
    Tensor t = noise->next(x.shape());
    if (t.shape() != x.shape()) fail("noise source returned {} for a {} latent", shape_str(t.shape()), shape_str(x.shape()));
    return t;
  }
  Tensor sde_noise(const Tensor& x, float sigma, float sigma_next) {
    return noise_sampler ? noise_sampler(sigma, sigma_next) : randn_like(x);
  }
  void report(int i, float sigma, float sigma_hat, const Tensor& x, const Tensor& denoised) {
    if (callback) callback(StepInfo{i, sigma, sigma_hat, x, denoised});
  }
};

using SamplerFn = Tensor (*)(SamplerRun& run, Tensor x);

}  // namespace easel
