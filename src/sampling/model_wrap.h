// The wrappers A1111 puts between an eps-predicting network and the samplers: CompVisDenoiser
// (eps -> x0 at sigma), LCMCompVisDenoiser (50-step table, c_skip/c_out), and plain eps for the
// timestep samplers. They work on one batch row set of a CFG call.
#pragma once
#include <functional>
#include <vector>

#include "core/tensor.h"
#include "sampling/sampler_registry.h"

namespace easel {

// One batched call of the network: rows of x, each row's model timestep and conditioning id
// (an index the caller resolves to its text embedding). Returns eps (or v) for every row.
using ModelEval = std::function<Tensor(const Tensor& x, const std::vector<float>& t, const std::vector<int>& cond)>;

// LCM's 50-entry schedule (every 20th timestep from 19) and its get_sigmas(n).
DiscreteSchedule lcm_schedule(const DiscreteSchedule& model);
// Both use the model's torch kernel.
std::vector<float> lcm_get_sigmas(const DiscreteSchedule& model, int n);

// Runs `eval` on rows of x at noise level `sigma` (k-diffusion samplers) or timestep `sigma`
// (Eps) and converts its output to what the sampler expects.
class WrappedModel {
 public:
  WrappedModel(ModelEval eval, ModelWrap wrap, const DiscreteSchedule& schedule, bool v_prediction = false);
  Tensor operator()(const Tensor& x, float sigma, const std::vector<int>& cond) const;

 private:
  ModelEval eval_;
  ModelWrap wrap_;
  const DiscreteSchedule& sched_;
  DiscreteSchedule lcm_;
  bool v_;
};

}  // namespace easel
