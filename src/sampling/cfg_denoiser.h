// A1111's CFGDenoiser: cond parts (AND) of every image and the unconditional rows go through the
// model in ONE batched call; prompt-editing schedules advance per model call; the result is
// uncond + sum_parts (cond - uncond) * weight * scale. Cancellation is checked before each call.
#pragma once
#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

#include "sampling/model_wrap.h"
#include "sampling/sampler.h"

namespace easel {

// Thrown when the cancel flag is seen between model calls.
struct Interrupted : Error {
  Interrupted() : Error("sampling interrupted") {}
};

// A prompt-editing schedule: (end_at_step, conditioning id); the first entry whose end_at_step is
// >= the current model-call count is used.
using CondSchedule = std::vector<std::pair<int64_t, int>>;

struct CondPart {
  CondSchedule cond;
  double weight = 1.0;  // the AND weight
};

struct CfgConds {
  std::vector<std::vector<CondPart>> cond;  // per image: its AND parts
  std::vector<CondSchedule> uncond;         // per image
  double scale = 7.0;
};

class CfgDenoiser : public Denoiser {
 public:
  CfgDenoiser(WrappedModel model, CfgConds conds, const std::atomic<bool>* cancel = nullptr);
  Tensor operator()(const Tensor& x, float sigma) override;
  void enable_cfgpp(double multiplier) override;
  Tensor last_uncond() const override;

  int model_calls() const { return step_; }
  // A1111's `last_latent`: each image's prediction for its first prompt part (conditional only,
  // not CFG-combined) from the last model call; undefined before the first. An interrupted job
  // decodes this.
  const Tensor& last_prediction() const { return last_prediction_; }
  const std::vector<int>& batch_sizes() const { return batch_sizes_; }

 private:
  WrappedModel model_;
  CfgConds conds_;
  const std::atomic<bool>* cancel_;
  int step_ = 0;
  double multiplier_ = 1.0;
  bool keep_uncond_ = false;
  Tensor last_uncond_;
  Tensor last_prediction_;
  std::vector<int> batch_sizes_;
};

}  // namespace easel
