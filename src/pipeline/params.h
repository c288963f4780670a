// GenerationParams: one txt2img/img2img request in A1111's vocabulary, shared by the CLI, the
// server and the infotext reader/writer. Defaults are A1111's.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/infotext.h"

namespace easel {

struct GenerationParams {
  std::string prompt, negative_prompt;
  int steps = 20;
  std::string sampler = "DPM++ 2M";   // A1111 display name (aliases resolved by the sampler registry)
  std::string scheduler = "Automatic";
  double cfg_scale = 7.0;
  int64_t seed = -1;                  // -1: random, the chosen seed is reported
  int width = 512, height = 512;
  int batch_count = 1, batch_size = 1;
  int clip_skip = 1;
  std::string rng = "GPU";            // "GPU" (NV algorithm, A1111's default), "CPU", "NV"
  std::optional<double> eta;          // unset: the sampler's default
  int64_t ensd = 0;                   // eta noise seed delta
  int64_t subseed = -1;
  double subseed_strength = 0;
  int seed_resize_from_w = 0, seed_resize_from_h = 0;
  std::optional<double> s_churn, s_tmin, s_tmax, s_noise;
  // img2img
  std::string init_image;             // path; empty for txt2img
  double denoising_strength = 0.75;
  int resize_mode = 0;                // 0 just resize, 1 crop and resize, 2 resize and fill, 3 latent upscale
  // Model identity as written into the infotext.
  std::string model_name, model_hash;
  InfotextFields extra;               // other infotext fields, kept verbatim

  bool is_img2img() const { return !init_image.empty(); }
};

// Throws Error naming the field for values A1111 would reject (width not a multiple of 8, steps < 1, ...).
void validate(const GenerationParams& p);

// Infotext of image `index` of the run (its seed/subseed already resolved), as A1111 1.10 writes it.
// `schedule_label` is the resolved schedule type ("Karras", "Automatic", ...).
std::string make_infotext(const GenerationParams& p, int64_t seed, int64_t subseed, const std::string& schedule_label,
                          const std::string& version = "easel 0.1.0");

// Parameters from an infotext (A1111 defaults for missing fields: Clip skip 1, RNG GPU, Schedule
// type Automatic). Combined pre-1.9 sampler names stay in `sampler`; the sampler registry splits them.
GenerationParams params_from_infotext(const std::string& text);

}  // namespace easel
