// Model families: one table row per family (what identifies it in the weights, and the defaults
// the weights cannot tell), and detection of a loaded model's family from names and shapes.
#pragma once
#include <span>
#include <string>

#include "naming/canonical_model.h"

namespace easel {

enum class Family {
  Unknown,
  SD1,
  SD1Inpaint,
  SD1Pix2Pix,
  SD2,
  SD2Inpaint,
  SD2Depth,
  SDXL,
  SDXLInpaint,
  SDXLRefiner,
  VAE,
  LoRA,
  TextualInversion,
};

struct FamilyInfo {
  Family id;
  const char* key;   // stable identifier: "sd1", "sdxl-refiner", ...
  const char* name;  // for people: "SD 1.x", "SDXL refiner", ...
  // Detection: the component that must be the model's main one ("unet", "vae", "lora",
  // "embedding") and, for UNets, features read off the shapes (-1 = any).
  const char* primary;
  int in_channels;      // input_blocks.0.0 input channels: 4, 9 inpaint, 8 instruct-pix2pix, 5 depth
  int adm_in_channels;  // label_emb input size (SDXL 2816, refiner 2560), 0 = none
  int linear_proj;      // transformer proj_in: 1 linear (SD 2.x), 0 1x1 conv (SD 1.x)
  // Defaults the weights cannot tell.
  const char* prediction;  // "eps" or "v"
  int default_size;        // native resolution
  float vae_scaling;
  const char* note;
};

// All rows, most specific first.
std::span<const FamilyInfo> families();
const FamilyInfo& family_info(Family f);

// The features detection looks at, read from a few tensors (works on partial stores).
struct FamilyFeatures {
  std::string primary;  // "unet", "vae", "lora", "embedding", or "" if none of these
  int in_channels = -1, adm_in_channels = 0, linear_proj = -1, context_dim = -1;
};
FamilyFeatures family_features(const CanonicalModel& m);

// The first row whose criteria all hold; the Unknown row if none does.
const FamilyInfo& detect_family(const CanonicalModel& m);

}  // namespace easel
