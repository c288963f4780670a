// Shape-driven inference of the UNet / VAE / CLIP text hyper-parameters (see infer_config.h).
#include "models/infer_config.h"

#include <fmt/format.h>

#include "core/error.h"

namespace easel {

namespace {

const Shape& shape_of(const TensorStore& s, const std::string& name, size_t ndim) {
  const Tensor& t = s.at(name);
  if (t.shape().size() != ndim)
    fail("{}: tensor '{}' has shape {}, expected {} dimensions", s.path, name, shape_str(t.shape()), ndim);
  return t.shape();
}

// Counts k = 0, 1, ... while fmt(k) names a tensor.
int count_indexed(const TensorStore& s, const char* pattern) {
  int k = 0;
  while (s.has(fmt::format(fmt::runtime(pattern), k))) ++k;
  return k;
}

int exact_div(const TensorStore& s, int64_t a, int64_t b, const char* what) {
  if (b <= 0 || a % b != 0) fail("{}: {} {} is not a multiple of {}", s.path, what, a, b);
  return int(a / b);
}

// Floats as their shortest decimal (1e-05, not 9.99999974e-06) in JSON.
double json_float(float f) { return std::stod(fmt::format("{}", f)); }

}  // namespace

UNetConfig infer_unet_config(const TensorStore& u) {
  UNetConfig c;
  const Shape& conv_in = shape_of(u, "input_blocks.0.0.weight", 4);
  c.model_channels = int(conv_in[0]);
  c.in_channels = int(conv_in[1]);
  c.out_channels = int(shape_of(u, "out.2.weight", 4)[0]);
  c.time_embed_dim = int(shape_of(u, "time_embed.0.weight", 2)[0]);
  if (u.has("label_emb.0.0.weight")) c.adm_in_channels = int(shape_of(u, "label_emb.0.0.weight", 2)[1]);

  // input_blocks: per level n res blocks (each maybe followed by a transformer), then a
  // downsampler except after the last level.
  std::vector<std::vector<int>> levels(1);
  for (int idx = 1;; ++idx) {
    if (u.has(fmt::format("input_blocks.{}.0.op.weight", idx))) {
      levels.emplace_back();
    } else if (u.has(fmt::format("input_blocks.{}.0.in_layers.0.weight", idx))) {
      levels.back().push_back(idx);
    } else {
      break;
    }
  }
  if (levels.back().empty()) fail("{}: UNet input_blocks end with a downsampler", u.path);
  c.num_res_blocks = int(levels[0].size());
  c.channel_mult.clear();
  c.attention_levels.clear();
  c.transformer_depth.clear();
  bool first_attn = true;
  for (size_t l = 0; l < levels.size(); ++l) {
    if (int(levels[l].size()) != c.num_res_blocks)
      fail("{}: UNet level {} has {} res blocks but level 0 has {} (unsupported)", u.path, l, levels[l].size(),
           c.num_res_blocks);
    int first = levels[l][0];
    int ch = int(shape_of(u, fmt::format("input_blocks.{}.0.out_layers.3.weight", first), 4)[0]);
    c.channel_mult.push_back(exact_div(u, ch, c.model_channels, "UNet level channels"));
    std::string tb = fmt::format("input_blocks.{}.1.transformer_blocks.{{}}.norm1.weight", first);
    int depth = count_indexed(u, tb.c_str());
    c.transformer_depth.push_back(depth);
    if (depth == 0) continue;
    c.attention_levels.push_back(int(l));
    if (first_attn) {
      first_attn = false;
      c.linear_projection = u.at(fmt::format("input_blocks.{}.1.proj_in.weight", first)).shape().size() == 2;
      c.context_dim = int(shape_of(u, fmt::format("input_blocks.{}.1.transformer_blocks.0.attn2.to_k.weight", first), 2)[1]);
    }
  }
  c.transformer_depth_middle = count_indexed(u, "middle_block.1.transformer_blocks.{}.norm1.weight");
  if (first_attn && c.transformer_depth_middle > 0) {
    c.linear_projection = u.at("middle_block.1.proj_in.weight").shape().size() == 2;
    c.context_dim = int(shape_of(u, "middle_block.1.transformer_blocks.0.attn2.to_k.weight", 2)[1]);
  }
  // Not visible in shapes: LDM's SD 1.x configs fix 8 heads, the SD 2.x / SDXL configs (which are
  // the ones with linear projections) fix num_head_channels = 64.
  if (c.linear_projection) {
    c.num_heads = -1;
    c.head_dim = 64;
  } else {
    c.num_heads = 8;
    c.head_dim = -1;
  }
  return c;
}

VAEConfig infer_vae_config(const TensorStore& v) {
  VAEConfig c;
  const bool enc = v.has("encoder.conv_in.weight");
  if (enc) {
    const Shape& conv_in = shape_of(v, "encoder.conv_in.weight", 4);
    c.ch = int(conv_in[0]);
    c.in_channels = int(conv_in[1]);
  }
  const Shape& dec_out = shape_of(v, "decoder.conv_out.weight", 4);
  c.out_channels = int(dec_out[0]);
  if (!enc) {
    c.ch = int(dec_out[1]);  // decoder.up.0 works at ch * ch_mult[0]; SD VAEs have ch_mult[0] = 1
    c.in_channels = c.out_channels;
  }
  c.z_channels = int(shape_of(v, "decoder.conv_in.weight", 4)[1]);
  c.embed_dim = int(shape_of(v, "post_quant_conv.weight", 4)[1]);
  const char* lvl = enc ? "encoder.down.{}.block.0.conv2.weight" : "decoder.up.{}.block.0.conv2.weight";
  int levels = count_indexed(v, lvl);
  if (levels == 0) fail("{}: VAE has no {} levels", v.path, enc ? "encoder.down" : "decoder.up");
  c.ch_mult.clear();
  for (int l = 0; l < levels; ++l) {
    int ch = int(shape_of(v, fmt::format(fmt::runtime(lvl), l), 4)[0]);
    c.ch_mult.push_back(exact_div(v, ch, c.ch, "VAE level channels"));
  }
  c.num_res_blocks = enc ? count_indexed(v, "encoder.down.0.block.{}.conv1.weight")
                         : count_indexed(v, "decoder.up.0.block.{}.conv1.weight") - 1;
  return c;
}

ClipTextConfig infer_clip_text_config(const TensorStore& t, const nlohmann::json& hints) {
  ClipTextConfig c;
  const Shape& tok = shape_of(t, "text_model.embeddings.token_embedding.weight", 2);
  c.vocab_size = int(tok[0]);
  c.hidden = int(tok[1]);
  c.max_positions = int(shape_of(t, "text_model.embeddings.position_embedding.weight", 2)[0]);
  c.layers = count_indexed(t, "text_model.encoder.layers.{}.layer_norm1.weight");
  if (c.layers == 0) fail("{}: text encoder has no layers", t.path);
  c.intermediate = int(shape_of(t, "text_model.encoder.layers.0.mlp.fc1.weight", 2)[0]);
  if (t.has("text_projection.weight")) {
    c.has_projection = true;
    c.projection_dim = int(shape_of(t, "text_projection.weight", 2)[0]);
  }
  auto hint = [&](const char* k) { return hints.is_object() && hints.contains(k) ? &hints[k] : nullptr; };
  if (auto h = hint("num_attention_heads"); h && h->is_number_integer()) {
    c.heads = h->get<int>();
    if (c.heads <= 0 || c.hidden % c.heads != 0)
      fail("{}: config num_attention_heads {} does not divide the hidden size {}", t.path, c.heads, c.hidden);
  } else if (c.hidden % 64 == 0) {
    c.heads = c.hidden / 64;
  } else {
    fail("{}: text encoder hidden size {} is not a multiple of 64, so its head count cannot be read from the "
         "shapes; pass the model's config (num_attention_heads)",
         t.path, c.hidden);
  }
  if (auto h = hint("hidden_act"); h && h->is_string())
    c.act = h->get<std::string>();
  else
    c.act = c.hidden >= 1024 ? "gelu" : "quick_gelu";
  if (auto h = hint("layer_norm_eps"); h && h->is_number()) c.eps = h->get<float>();
  return c;
}

nlohmann::json to_json(const UNetConfig& c) {
  return {{"in_channels", c.in_channels},
          {"out_channels", c.out_channels},
          {"model_channels", c.model_channels},
          {"channel_mult", c.channel_mult},
          {"num_res_blocks", c.num_res_blocks},
          {"attention_levels", c.attention_levels},
          {"transformer_depth", c.transformer_depth},
          {"transformer_depth_middle", c.transformer_depth_middle},
          {"num_heads", c.num_heads},
          {"head_dim", c.head_dim},
          {"context_dim", c.context_dim},
          {"linear_projection", c.linear_projection},
          {"adm_in_channels", c.adm_in_channels},
          {"time_embed_dim", c.time_embed_dim}};
}

nlohmann::json to_json(const VAEConfig& c) {
  return {{"in_channels", c.in_channels}, {"out_channels", c.out_channels}, {"ch", c.ch},
          {"ch_mult", c.ch_mult},         {"num_res_blocks", c.num_res_blocks}, {"z_channels", c.z_channels},
          {"embed_dim", c.embed_dim},     {"scaling_factor", json_float(c.scaling_factor)}};
}

nlohmann::json to_json(const ClipTextConfig& c) {
  nlohmann::json j = {{"vocab_size", c.vocab_size}, {"max_positions", c.max_positions}, {"hidden", c.hidden},
                      {"layers", c.layers},         {"heads", c.heads},                 {"intermediate", c.intermediate},
                      {"act", c.act},               {"eps", json_float(c.eps)}};
  if (c.has_projection) j["projection_dim"] = c.projection_dim;
  return j;
}

}  // namespace easel
