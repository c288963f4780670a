// Architecture hyper-parameters of each network, inferred from the (canonically named) weights
// by the infer_* functions in models/<net>/. Everything a model builder needs, nothing file-specific.
#pragma once
#include <string>
#include <vector>

#include "io/tensor_store.h"

namespace easel {

struct ClipTextConfig {
  int vocab_size = 49408, max_positions = 77, hidden = 768, layers = 12, heads = 12, intermediate = 3072;
  std::string act = "quick_gelu";  // "quick_gelu" (OpenAI CLIP, SD1) or "gelu" (OpenCLIP, SD2/SDXL)
  float eps = 1e-5f;
  bool has_projection = false;      // SDXL text_encoder_2 text_projection
  int projection_dim = 0;
};

struct UNetConfig {
  int in_channels = 4, out_channels = 4, model_channels = 320;
  std::vector<int> channel_mult{1, 2, 4, 4};
  int num_res_blocks = 2;
  std::vector<int> attention_levels{0, 1, 2};     // level indices (0 = full resolution) with transformers
  std::vector<int> transformer_depth{1, 1, 1, 1}; // per level (0 where no attention)
  int transformer_depth_middle = 1;
  int num_heads = 8;          // SD1: fixed 8 heads; SD2/SDXL: fixed head dim instead
  int head_dim = -1;          // >0 when heads are derived as channels / head_dim
  int context_dim = 768;
  bool linear_projection = false;  // proj_in/proj_out as Linear (SD2, SDXL) vs 1x1 conv (SD1)
  int adm_in_channels = 0;    // SDXL "label_emb" input size (0 = none)
  int time_embed_dim = 1280;
  int norm_groups = 32;
  float norm_eps = 1e-5f, transformer_norm_eps = 1e-6f, layer_norm_eps = 1e-5f;
  bool prediction_v = false;  // set from the file/family, not shapes
  int heads_at(int channels) const { return head_dim > 0 ? channels / head_dim : num_heads; }
};

struct VAEConfig {
  int in_channels = 3, out_channels = 3, ch = 128, z_channels = 4, embed_dim = 4;
  std::vector<int> ch_mult{1, 2, 4, 4};
  int num_res_blocks = 2;
  int norm_groups = 32;
  float eps = 1e-6f;
  float scaling_factor = 0.18215f;
};

}  // namespace easel
