// The full tensor list (names, shapes, initialisation kind) of the real architectures in the LDM
// single-file layout, generated from their configs: what `easel dev make-random` writes and what
// the detection/inference tests build synthetic stores from.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.h"
#include "models/configs.h"

namespace easel::naming {

enum class Init : unsigned char {
  Normal,       // N(0, 1/fan_in): keeps activations O(1) through linear/conv layers
  Embedding,    // N(0, 0.02^2)
  One,          // norm weights
  Zero,         // biases, norm biases
  PositionIds,  // int64 0..n-1
  LogitScale,   // ln(1/0.07), CLIP's initial temperature
};

struct TensorSpec {
  std::string name;
  Shape shape;
  Init init = Init::Normal;
  DType dtype = DType::F32;  // F32 = "the file's float type"; I64 for ids
};

// Canonical (LDM, no prefix) names of a UNet / VAE, and Hugging Face CLIPTextModel names.
std::vector<TensorSpec> unet_layout(const UNetConfig& c);
std::vector<TensorSpec> vae_layout(const VAEConfig& c);
std::vector<TensorSpec> hf_clip_layout(const ClipTextConfig& c);
// OpenCLIP text transformer names as LDM/sgm files store them below `...model.`.
std::vector<TensorSpec> openclip_layout(const ClipTextConfig& c);

// The single-file checkpoint of a real architecture: "sd15", "sd21", "sdxl", "sdxl-refiner".
std::vector<TensorSpec> checkpoint_layout(std::string_view arch);
// The architectures checkpoint_layout knows, and their configs.
struct ArchConfigs {
  UNetConfig unet;
  VAEConfig vae;
  ClipTextConfig clip_l, openclip;  // layers == 0 when absent
};
ArchConfigs arch_configs(std::string_view arch);
std::vector<std::string> known_archs();

}  // namespace easel::naming
