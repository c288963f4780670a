// Tables shared by the LDM and diffusers layouts, and the per-file layout accessors that
// tables_*.cpp define (the public list is single_file_layouts() in name_rules.h).
#pragma once
#include "naming/name_rules.h"

namespace easel::naming {

// Hugging Face CLIPTextModel names below `text_model.` (SD 1.x LDM files, SDXL's first encoder,
// diffusers text encoders): checked module by module, canonical = `text_model.` + name.
inline constexpr NameRule kHfTextModelRules[] = {
    {"embeddings.token_embedding.weight", "text_model.embeddings.token_embedding.weight"},
    {"embeddings.position_embedding.weight", "text_model.embeddings.position_embedding.weight"},
    {"encoder.layers.{i}.*", "text_model.encoder.layers.{i}.*"},
    {"final_layer_norm.*", "text_model.final_layer_norm.*"},
};
inline constexpr RuleTable kHfTextModel{"hf-clip-text", kHfTextModelRules};

const Layout& ldm_checkpoint_layout();
const Layout& ldm_vae_layout();
const Layout& lora_layout();
const Layout& embedding_layout();
const Layout& diffusers_unet_layout();
const Layout& diffusers_vae_layout();
const Layout& diffusers_text_encoder_layout(bool second);

}  // namespace easel::naming
