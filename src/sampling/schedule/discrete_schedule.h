// The discrete-time noise table of SD 1.x/2.x/XL checkpoints (alphas_cumprod -> sigmas) and the
// continuous sigma <-> timestep maps of k-diffusion's DiscreteSchedule, in float32 as torch does
// with the chosen ATen kernel (its log/exp decide the last bits of every sigma and t).
#pragma once
#include <cstdint>
#include <vector>

#include "sampling/schedule/linspace.h"

namespace easel {

// LDM "linear" beta schedule: betas = linspace(sqrt(start), sqrt(end), n)^2 in float64.
std::vector<double> ldm_linear_betas(int n = 1000, double start = 0.00085, double end = 0.012,
                                     TorchKernel k = TorchKernel::Avx2);
// cumprod(1 - betas) in float64.
std::vector<double> alphas_cumprod_f64(const std::vector<double>& betas);

class DiscreteSchedule {
 public:
  // sigmas = sqrt((1 - ac) / ac) in float32, ascending (index = timestep); log_sigmas, sigma_to_t
  // and t_to_sigma use kernel k's log/exp.
  explicit DiscreteSchedule(std::vector<float> alphas_cumprod, TorchKernel k = TorchKernel::Avx2);
  // SD1.x/SDXL default: linear betas 0.00085..0.012 over 1000 steps, rounded to float32.
  static DiscreteSchedule sd_default(TorchKernel k = TorchKernel::Avx2);

  TorchKernel kernel() const { return kernel_; }

  const std::vector<float>& alphas_cumprod() const { return ac_; }
  const std::vector<float>& sigmas() const { return sigmas_; }
  const std::vector<float>& log_sigmas() const { return log_sigmas_; }
  int size() const { return int(sigmas_.size()); }
  float sigma_min() const { return sigmas_.front(); }
  float sigma_max() const { return sigmas_.back(); }

  // Continuous timestep (A1111 default, clamped to [0, size-1]); quantized = nearest index.
  float sigma_to_t(float sigma) const;
  int64_t sigma_to_t_quantized(float sigma) const;
  float t_to_sigma(float t) const;
  // k-diffusion get_sigmas(n): t = linspace(size-1, 0, n), sigma(t), trailing 0.
  std::vector<float> get_sigmas(int n) const;

 private:
  std::vector<float> ac_, sigmas_, log_sigmas_;
  TorchKernel kernel_;
};

}  // namespace easel
