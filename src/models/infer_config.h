// Architecture hyper-parameters read off the canonically named weights (docs/naming.md): what
// the shapes determine exactly, plus the family conventions for what they cannot (head counts).
#pragma once
#include <nlohmann/json.hpp>

#include "io/tensor_store.h"
#include "models/configs.h"

namespace easel {

// From a canonical `unet` store. Heads: 1x1-conv projections (SD 1.x) use 8 heads per block,
// linear projections (SD 2.x, SDXL) a head size of 64. Throws Error naming a missing tensor.
UNetConfig infer_unet_config(const TensorStore& unet);

// From a canonical `vae` store (LDM AutoencoderKL names). scaling_factor is the SD default;
// the family decides otherwise (SDXL: 0.13025).
VAEConfig infer_vae_config(const TensorStore& vae);

// From a canonical text encoder store (Hugging Face CLIPTextModel names). `hf_config`, if given
// (a diffusers/transformers config.json), supplies num_attention_heads / hidden_act /
// layer_norm_eps. Without it, heads = hidden/64 (every released CLIP) and the activation is
// quick_gelu below 1024 wide (OpenAI CLIP) and gelu from 1024 (OpenCLIP); a width that is not a
// multiple of 64 fails since its head count cannot be read from shapes.
ClipTextConfig infer_clip_text_config(const TensorStore& text_encoder,
                                      const nlohmann::json& hf_config = nlohmann::json());

nlohmann::json to_json(const UNetConfig& c);
nlohmann::json to_json(const VAEConfig& c);
nlohmann::json to_json(const ClipTextConfig& c);

}  // namespace easel
