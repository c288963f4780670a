// txt2img / img2img as A1111's process_images: seeds for the whole job, conditioning encoded once,
// one sampler run per batch, VAE decode image by image, 8-bit conversion, infotext per image.
// Orchestration only: the networks live in SDModel, the math in sampling/ and models/.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "io/image.h"
#include "pipeline/model_loader.h"
#include "pipeline/params.h"
#include "sampling/sampler_registry.h"
#include "text/conditioning.h"

namespace easel {

struct GeneratedImage {
  int index = 0;            // in the job (batch n, position i: n * batch_size + i)
  int64_t seed = 0, subseed = 0;
  Image image;              // with text["parameters"] = infotext
  std::string infotext;
  Tensor latent;            // final latent [1,C,h,w]
};

struct StepEvent {
  int batch = 0, batch_count = 1;  // batch number in the job
  int first_index = 0, batch_size = 1;
  int step = 0, total = 0;         // sampler callback index / expected count
  float sigma = 0;
  const Tensor& x;                 // [B,C,h,w]
  const Tensor& denoised;          // [B,C,h,w] (may be undefined)
};

struct GenerateOptions {
  bool img2img_fix_steps = false;                // A1111 "img2img_fix_steps" (off by default)
  text::ConditioningOptions conditioning;        // emphasis, comma backtrack (clip_skip comes from params)
  std::string version = "easel 0.1.0";           // infotext "Version"
};

struct GenerateCallbacks {
  std::function<void(const StepEvent&)> on_step;
  std::function<void(const GeneratedImage&)> on_image;  // as soon as each image is done
};

// The resolved sampler and scheduler of a request; fails with the valid names listed.
struct SamplerSelection {
  const SamplerDef* sampler = nullptr;
  const SchedulerDef* scheduler = nullptr;  // null: Automatic
};
SamplerSelection select_sampler(const std::string& sampler, const std::string& scheduler);

// "Schedule type" as A1111 1.10 writes it for this sampler and requested scheduler.
std::string schedule_label(const SamplerSelection& s);

// Checks everything about `p` that can be checked without running (validate() plus sampler,
// scheduler and RNG names, and for img2img that the image can be read). Throws Error.
void check_request(const GenerationParams& p);

class Generator {
 public:
  explicit Generator(SDModel& model, GenerateOptions opts = {}) : m_(model), opts_(std::move(opts)) {}
  // What check_request() cannot know without the model: sizes the networks accept, img2img
  // input size for latent upscale. Throws Error naming the field.
  void check(const GenerationParams& p) const;
  // Runs the whole job (batch_count x batch_size images). When `cancel` is set, the running batch
  // is decoded from the sampler's last prediction and passed to on_image like A1111 does, then
  // Interrupted is thrown (earlier images were already passed on too).
  std::vector<GeneratedImage> generate(const GenerationParams& p, const GenerateCallbacks& cb = {},
                                       const std::atomic<bool>* cancel = nullptr);

 private:
  SDModel& m_;
  GenerateOptions opts_;
};

}  // namespace easel
