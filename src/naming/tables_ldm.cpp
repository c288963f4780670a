// Name tables for single-file checkpoints in the original LDM / sgm layout (SD 1.x, 2.x, SDXL),
// standalone VAEs, LoRA and textual-inversion files. Canonical names: see docs/naming.md.
#include "naming/name_rules.h"
#include "naming/tables_common.h"

namespace easel::naming {

namespace {

// UNet: canonical names are the LDM names, so each top-level module maps to itself.
constexpr NameRule kLdmUnetRules[] = {
    {"time_embed.*", "time_embed.*"},       {"label_emb.*", "label_emb.*"},
    {"input_blocks.*", "input_blocks.*"},   {"middle_block.*", "middle_block.*"},
    {"output_blocks.*", "output_blocks.*"}, {"out.*", "out.*"},
};
constexpr RuleTable kLdmUnet{"ldm-unet", kLdmUnetRules};

// VAE: LDM names; the mid-block attention is normalised to 1x1-conv shapes because some
// converters wrote [C,C] weights or [C,1,1] biases.
constexpr NameRule kLdmVaeRules[] = {
    {"encoder.mid.attn_1.q.*", "encoder.mid.attn_1.q.*", nullptr, Xform::Conv1x1},
    {"encoder.mid.attn_1.k.*", "encoder.mid.attn_1.k.*", nullptr, Xform::Conv1x1},
    {"encoder.mid.attn_1.v.*", "encoder.mid.attn_1.v.*", nullptr, Xform::Conv1x1},
    {"encoder.mid.attn_1.proj_out.*", "encoder.mid.attn_1.proj_out.*", nullptr, Xform::Conv1x1},
    {"decoder.mid.attn_1.q.*", "decoder.mid.attn_1.q.*", nullptr, Xform::Conv1x1},
    {"decoder.mid.attn_1.k.*", "decoder.mid.attn_1.k.*", nullptr, Xform::Conv1x1},
    {"decoder.mid.attn_1.v.*", "decoder.mid.attn_1.v.*", nullptr, Xform::Conv1x1},
    {"decoder.mid.attn_1.proj_out.*", "decoder.mid.attn_1.proj_out.*", nullptr, Xform::Conv1x1},
    {"encoder.conv_in.*", "encoder.conv_in.*"},
    {"encoder.down.{i}.*", "encoder.down.{i}.*"},
    {"encoder.mid.*", "encoder.mid.*"},
    {"encoder.norm_out.*", "encoder.norm_out.*"},
    {"encoder.conv_out.*", "encoder.conv_out.*"},
    {"decoder.conv_in.*", "decoder.conv_in.*"},
    {"decoder.up.{i}.*", "decoder.up.{i}.*"},
    {"decoder.mid.*", "decoder.mid.*"},
    {"decoder.norm_out.*", "decoder.norm_out.*"},
    {"decoder.conv_out.*", "decoder.conv_out.*"},
    {"quant_conv.*", "quant_conv.*"},
    {"post_quant_conv.*", "post_quant_conv.*"},
};
constexpr RuleTable kLdmVae{"ldm-vae", kLdmVaeRules};

// OpenCLIP text transformer (SD 2.x `cond_stage_model.model.`, SDXL `conditioner.embedders.1.model.`)
// to Hugging Face CLIPTextModel names; the fused attention input projection is split into q/k/v.
constexpr NameRule kOpenClipRules[] = {
    {"token_embedding.weight", "text_model.embeddings.token_embedding.weight"},
    {"positional_embedding", "text_model.embeddings.position_embedding.weight"},
    {"ln_final.*", "text_model.final_layer_norm.*"},
    {"transformer.resblocks.{i}.ln_1.*", "text_model.encoder.layers.{i}.layer_norm1.*"},
    {"transformer.resblocks.{i}.ln_2.*", "text_model.encoder.layers.{i}.layer_norm2.*"},
    {"transformer.resblocks.{i}.attn.in_proj_weight", "text_model.encoder.layers.{i}.self_attn.{qkv}_proj.weight",
     nullptr, Xform::SplitQKV},
    {"transformer.resblocks.{i}.attn.in_proj_bias", "text_model.encoder.layers.{i}.self_attn.{qkv}_proj.bias",
     nullptr, Xform::SplitQKV},
    {"transformer.resblocks.{i}.attn.out_proj.*", "text_model.encoder.layers.{i}.self_attn.out_proj.*"},
    {"transformer.resblocks.{i}.mlp.c_fc.*", "text_model.encoder.layers.{i}.mlp.fc1.*"},
    {"transformer.resblocks.{i}.mlp.c_proj.*", "text_model.encoder.layers.{i}.mlp.fc2.*"},
};
constexpr RuleTable kOpenClip{"openclip-text", kOpenClipRules};

// SDXL's second encoder keeps its projection (pooled output feeds the UNet's label_emb).
constexpr NameRule kOpenClipProjRules[] = {
    {"text_projection", "text_projection.weight", nullptr, Xform::Transpose},
    {"*", "*", &kOpenClip},
};
constexpr RuleTable kOpenClipProj{"openclip-text-projection", kOpenClipProjRules};

// transformers < 4.x wrote CLIPTextTransformer without the `text_model.` level.
constexpr Route kLdmCheckpointRoutes[] = {
    {"model.diffusion_model.*", "unet", &kLdmUnet},
    {"first_stage_model.*", "vae", &kLdmVae},
    {"cond_stage_model.transformer.text_model.*", "text_encoder", &kHfTextModel},
    {"cond_stage_model.transformer.*", "text_encoder", &kHfTextModel},
    {"cond_stage_model.model.*", "text_encoder", &kOpenClip},
    {"conditioner.embedders.{e}.transformer.text_model.*", "text_encoder", &kHfTextModel},
    {"conditioner.embedders.{e}.model.*", "text_encoder_2", &kOpenClipProj},
};

constexpr std::string_view kSchedule = "LDM noise-schedule buffer (the schedule is derived from the family)";
constexpr IgnoreRule kLdmCheckpointIgnores[] = {
    {"model_ema.*", "EMA copy of the UNet (A1111 loads the live weights)"},
    {"*.position_ids", "CLIP position-id buffer (always 0..n-1)"},
    {"betas", kSchedule},
    {"alphas_cumprod", kSchedule},
    {"alphas_cumprod_prev", kSchedule},
    {"sqrt_alphas_cumprod", kSchedule},
    {"sqrt_one_minus_alphas_cumprod", kSchedule},
    {"log_one_minus_alphas_cumprod", kSchedule},
    {"sqrt_recip_alphas_cumprod", kSchedule},
    {"sqrt_recipm1_alphas_cumprod", kSchedule},
    {"posterior_variance", kSchedule},
    {"posterior_log_variance_clipped", kSchedule},
    {"posterior_mean_coef1", kSchedule},
    {"posterior_mean_coef2", kSchedule},
    {"logvar", kSchedule},
    {"lvlb_weights", kSchedule},
    {"denoiser.sigmas", "sgm denoiser buffer (derived from the schedule)"},
    {"denoiser.log_sigmas", "sgm denoiser buffer (derived from the schedule)"},
    {"cond_stage_model.model.logit_scale", "CLIP contrastive temperature (unused for conditioning)"},
    {"conditioner.embedders.{e}.model.logit_scale", "CLIP contrastive temperature (unused for conditioning)"},
    {"cond_stage_model.model.text_projection", "SD 2.x conditions on hidden states; the projection is unused"},
    {"v_pred", "marker tensor: the model predicts v", "v_pred"},
    {"ztsnr", "marker tensor: zero terminal SNR schedule", "ztsnr"},
};

constexpr Layout kLdmCheckpoint{"ldm-checkpoint", "single-file checkpoint (LDM/sgm names)",
                                kLdmCheckpointRoutes, kLdmCheckpointIgnores};

// Standalone VAE files (e.g. vae-ft-mse-840000) carry the bare AutoencoderKL state dict.
constexpr Route kLdmVaeRoutes[] = {{"*", "vae", &kLdmVae}};
constexpr IgnoreRule kLdmVaeIgnores[] = {
    {"loss.*", "VAE training loss (discriminator, LPIPS)"},
    {"model_ema.*", "EMA bookkeeping"},
};
constexpr Layout kLdmVaeFile{"ldm-vae", "standalone VAE (LDM names)", kLdmVaeRoutes, kLdmVaeIgnores};

// LoRA / LyCORIS: kept under their own names (an empty `to`); they are resolved against a model
// when applied. Kohya (lora_unet_*, lora_te*_*), diffusers/PEFT (.lora.down, .lora_A) and
// LyCORIS (LoHa, LoKr, DoRA, full diff) tensors.
constexpr NameRule kLoraRules[] = {
    {"lora_unet_*", ""},   {"lora_te_*", ""},        {"lora_te1_*", ""},         {"lora_te2_*", ""},
    {"*.lora_down.weight", ""}, {"*.lora_up.weight", ""}, {"*.lora_mid.weight", ""}, {"*.lora_A.weight", ""},
    {"*.lora_B.weight", ""},    {"*.lora.down.weight", ""}, {"*.lora.up.weight", ""}, {"*.alpha", ""},
    {"*.hada_*", ""},           {"*.lokr_*", ""},           {"*.dora_scale", ""},      {"*.diff", ""},
    {"*.diff_b", ""},
};
constexpr RuleTable kLora{"lora", kLoraRules};
constexpr Route kLoraRoutes[] = {{"*", "lora", &kLora}};
constexpr Layout kLoraFile{"lora", "LoRA / LyCORIS network", kLoraRoutes, {}};

// Textual inversion: A1111 .pt/.safetensors (`emb_params`, `string_to_param.*`), SDXL (`clip_l`, `clip_g`).
constexpr NameRule kEmbeddingRules[] = {
    {"emb_params", ""}, {"string_to_param.*", ""}, {"clip_l", ""}, {"clip_g", ""},
};
constexpr RuleTable kEmbedding{"embedding", kEmbeddingRules};
constexpr Route kEmbeddingRoutes[] = {{"*", "embedding", &kEmbedding}};
constexpr IgnoreRule kEmbeddingIgnores[] = {{"string_to_token.*", "token ids of the placeholder string"}};
constexpr Layout kEmbeddingFile{"embedding", "textual-inversion embedding", kEmbeddingRoutes, kEmbeddingIgnores};

}  // namespace

const Layout& ldm_checkpoint_layout() { return kLdmCheckpoint; }
const Layout& ldm_vae_layout() { return kLdmVaeFile; }
const Layout& lora_layout() { return kLoraFile; }
const Layout& embedding_layout() { return kEmbeddingFile; }

}  // namespace easel::naming
