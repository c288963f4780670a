// Name tables from diffusers / transformers component names (a diffusers folder, or a bare
// diffusers UNet/VAE file) to the canonical LDM / Hugging Face names. Block indices follow the
// LDM module order: n = res blocks per level, L = number of VAE levels.
#include <array>
#include <string_view>

#include "naming/name_rules.h"
#include "naming/tables_common.h"

namespace easel::naming {

namespace {

// ---- UNet ----
constexpr NameRule kUnetResnetRules[] = {
    {"norm1.*", "in_layers.0.*"},         {"conv1.*", "in_layers.2.*"},
    {"time_emb_proj.*", "emb_layers.1.*"}, {"norm2.*", "out_layers.0.*"},
    {"conv2.*", "out_layers.3.*"},         {"conv_shortcut.*", "skip_connection.*"},
};
constexpr RuleTable kUnetResnet{"diffusers-unet-resnet", kUnetResnetRules};

constexpr NameRule kUnetTransformerRules[] = {
    {"norm.*", "norm.*"},
    {"proj_in.*", "proj_in.*"},
    {"proj_out.*", "proj_out.*"},
    {"transformer_blocks.{d}.*", "transformer_blocks.{d}.*"},
};
constexpr RuleTable kUnetTransformer{"diffusers-unet-transformer", kUnetTransformerRules};

constexpr NameRule kUnetRules[] = {
    {"time_embedding.linear_1.*", "time_embed.0.*"},
    {"time_embedding.linear_2.*", "time_embed.2.*"},
    {"add_embedding.linear_1.*", "label_emb.0.0.*"},
    {"add_embedding.linear_2.*", "label_emb.0.2.*"},
    {"conv_in.*", "input_blocks.0.0.*"},
    {"down_blocks.{i}.resnets.{j}.*", "input_blocks.{i*(n+1)+j+1}.0.*", &kUnetResnet},
    {"down_blocks.{i}.attentions.{j}.*", "input_blocks.{i*(n+1)+j+1}.1.*", &kUnetTransformer},
    {"down_blocks.{i}.downsamplers.0.conv.*", "input_blocks.{(i+1)*(n+1)}.0.op.*"},
    {"mid_block.resnets.{j}.*", "middle_block.{2*j}.*", &kUnetResnet},
    {"mid_block.attentions.0.*", "middle_block.1.*", &kUnetTransformer},
    {"up_blocks.{i}.resnets.{j}.*", "output_blocks.{i*(n+1)+j}.0.*", &kUnetResnet},
    {"up_blocks.{i}.attentions.{j}.*", "output_blocks.{i*(n+1)+j}.1.*", &kUnetTransformer},
    // The upsampler is the block's third module when the level has attention, else its second.
    {"up_blocks.{i}.upsamplers.0.conv.*", "output_blocks.{i*(n+1)+n}.2.conv.*", nullptr, Xform::None,
     "up_blocks.{i}.attentions.*"},
    {"up_blocks.{i}.upsamplers.0.conv.*", "output_blocks.{i*(n+1)+n}.1.conv.*"},
    {"conv_norm_out.*", "out.0.*"},
    {"conv_out.*", "out.2.*"},
};
constexpr VarDef kUnetVars[] = {{"n", "down_blocks.0.resnets.{j}.*", "j"}};
constexpr RuleTable kUnet{"diffusers-unet", kUnetRules, kUnetVars};

// ---- VAE ----
constexpr NameRule kVaeResnetRules[] = {
    {"norm1.*", "norm1.*"}, {"conv1.*", "conv1.*"}, {"norm2.*", "norm2.*"},
    {"conv2.*", "conv2.*"}, {"conv_shortcut.*", "nin_shortcut.*"},
};
constexpr RuleTable kVaeResnet{"diffusers-vae-resnet", kVaeResnetRules};

// Current (to_q, ...) and pre-0.14 diffusers (query, ...) attention names; LDM stores 1x1 convs.
constexpr NameRule kVaeAttentionRules[] = {
    {"group_norm.*", "norm.*"},
    {"to_q.*", "q.*", nullptr, Xform::Conv1x1},
    {"to_k.*", "k.*", nullptr, Xform::Conv1x1},
    {"to_v.*", "v.*", nullptr, Xform::Conv1x1},
    {"to_out.0.*", "proj_out.*", nullptr, Xform::Conv1x1},
    {"query.*", "q.*", nullptr, Xform::Conv1x1},
    {"key.*", "k.*", nullptr, Xform::Conv1x1},
    {"value.*", "v.*", nullptr, Xform::Conv1x1},
    {"proj_attn.*", "proj_out.*", nullptr, Xform::Conv1x1},
};
constexpr RuleTable kVaeAttention{"diffusers-vae-attention", kVaeAttentionRules};

constexpr NameRule kVaeRules[] = {
    {"encoder.conv_in.*", "encoder.conv_in.*"},
    {"encoder.down_blocks.{i}.resnets.{j}.*", "encoder.down.{i}.block.{j}.*", &kVaeResnet},
    {"encoder.down_blocks.{i}.downsamplers.0.conv.*", "encoder.down.{i}.downsample.conv.*"},
    {"encoder.mid_block.resnets.{j}.*", "encoder.mid.block_{j+1}.*", &kVaeResnet},
    {"encoder.mid_block.attentions.0.*", "encoder.mid.attn_1.*", &kVaeAttention},
    {"encoder.conv_norm_out.*", "encoder.norm_out.*"},
    {"encoder.conv_out.*", "encoder.conv_out.*"},
    {"decoder.conv_in.*", "decoder.conv_in.*"},
    {"decoder.mid_block.resnets.{j}.*", "decoder.mid.block_{j+1}.*", &kVaeResnet},
    {"decoder.mid_block.attentions.0.*", "decoder.mid.attn_1.*", &kVaeAttention},
    // diffusers counts decoder levels from the lowest resolution, LDM from the highest.
    {"decoder.up_blocks.{i}.resnets.{j}.*", "decoder.up.{L-1-i}.block.{j}.*", &kVaeResnet},
    {"decoder.up_blocks.{i}.upsamplers.0.conv.*", "decoder.up.{L-1-i}.upsample.conv.*"},
    {"decoder.conv_norm_out.*", "decoder.norm_out.*"},
    {"decoder.conv_out.*", "decoder.conv_out.*"},
    {"quant_conv.*", "quant_conv.*"},
    {"post_quant_conv.*", "post_quant_conv.*"},
};
constexpr VarDef kVaeVars[] = {{"L", "decoder.up_blocks.{i}.*", "i"}};
constexpr RuleTable kVae{"diffusers-vae", kVaeRules, kVaeVars};

// ---- text encoders (transformers CLIPTextModel / CLIPTextModelWithProjection) ----
constexpr NameRule kHfClipRules[] = {
    {"text_model.*", "*", &kHfTextModel},
    {"text_projection.weight", "text_projection.weight"},
};
constexpr RuleTable kHfClip{"hf-clip", kHfClipRules};

constexpr IgnoreRule kTextIgnores[] = {{"*.position_ids", "CLIP position-id buffer (always 0..n-1)"}};

constexpr Route kUnetRoutes[] = {{"*", "unet", &kUnet}};
constexpr Route kVaeRoutes[] = {{"*", "vae", &kVae}};
constexpr Route kTextRoutes[] = {{"*", "text_encoder", &kHfClip}};
constexpr Route kText2Routes[] = {{"*", "text_encoder_2", &kHfClip}};

constexpr Layout kUnetLayout{"diffusers-unet", "UNet2DConditionModel (diffusers names)", kUnetRoutes, {}};
constexpr Layout kVaeLayout{"diffusers-vae", "AutoencoderKL (diffusers names)", kVaeRoutes, {}};
constexpr Layout kTextLayout{"hf-clip-text", "CLIPTextModel (transformers names)", kTextRoutes, kTextIgnores};
constexpr Layout kText2Layout{"hf-clip-text-2", "CLIPTextModelWithProjection (transformers names)", kText2Routes,
                              kTextIgnores};

constexpr IgnoreRule kIgnoredComponents[] = {
    {"safety_checker", "NSFW classifier (A1111 does not run it)"},
    {"image_encoder", "CLIP vision model for IP-Adapter (not used by txt2img/img2img)"},
};

}  // namespace

const Layout& diffusers_unet_layout() { return kUnetLayout; }
const Layout& diffusers_vae_layout() { return kVaeLayout; }
const Layout& diffusers_text_encoder_layout(bool second) { return second ? kText2Layout : kTextLayout; }

const Layout* diffusers_component_layout(std::string_view component) {
  if (component == "unet") return &kUnetLayout;
  if (component == "vae") return &kVaeLayout;
  if (component == "text_encoder") return &kTextLayout;
  if (component == "text_encoder_2") return &kText2Layout;
  return nullptr;
}

std::span<const IgnoreRule> ignored_diffusers_components() { return kIgnoredComponents; }

std::span<const Layout* const> single_file_layouts() {
  // A bare diffusers UNet or VAE file is recognised too; the order breaks coverage ties.
  static const std::array<const Layout*, 6> all = {&ldm_checkpoint_layout(), &ldm_vae_layout(),
                                                   &kVaeLayout,                &kUnetLayout,
                                                   &lora_layout(),          &embedding_layout()};
  return all;
}

}  // namespace easel::naming
