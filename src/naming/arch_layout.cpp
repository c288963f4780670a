// Tensor lists of the LDM UNet (openaimodel.UNetModel), AutoencoderKL, CLIP and OpenCLIP text
// models, following the module construction order of the original code.
#include "naming/arch_layout.h"

#include <fmt/format.h>

#include "core/error.h"

namespace easel::naming {

namespace {

struct Builder {
  std::vector<TensorSpec> out;
  void add(std::string name, Shape s, Init init = Init::Normal) { out.push_back({std::move(name), std::move(s), init}); }
  void norm(const std::string& p, int64_t c) {
    add(p + ".weight", {c}, Init::One);
    add(p + ".bias", {c}, Init::Zero);
  }
  void linear(const std::string& p, int64_t o, int64_t i, bool bias = true) {
    add(p + ".weight", {o, i});
    if (bias) add(p + ".bias", {o}, Init::Zero);
  }
  void conv(const std::string& p, int64_t o, int64_t i, int64_t k) {
    add(p + ".weight", {o, i, k, k});
    add(p + ".bias", {o}, Init::Zero);
  }
  void unet_res(const std::string& p, int64_t cin, int64_t cout, int64_t temb) {
    norm(p + ".in_layers.0", cin);
    conv(p + ".in_layers.2", cout, cin, 3);
    linear(p + ".emb_layers.1", cout, temb);
    norm(p + ".out_layers.0", cout);
    conv(p + ".out_layers.3", cout, cout, 3);
    if (cin != cout) conv(p + ".skip_connection", cout, cin, 1);
  }
  void transformer(const std::string& p, int64_t ch, int depth, int64_t ctx, bool lin) {
    norm(p + ".norm", ch);
    auto proj = [&](const std::string& n) { lin ? linear(n, ch, ch) : conv(n, ch, ch, 1); };
    proj(p + ".proj_in");
    for (int d = 0; d < depth; ++d) {
      std::string b = fmt::format("{}.transformer_blocks.{}", p, d);
      for (const char* a : {"attn1", "attn2"}) {
        int64_t kv = std::string_view(a) == "attn1" ? ch : ctx;
        linear(b + "." + a + ".to_q", ch, ch, false);
        linear(b + "." + a + ".to_k", ch, kv, false);
        linear(b + "." + a + ".to_v", ch, kv, false);
        linear(b + "." + a + ".to_out.0", ch, ch);
      }
      linear(b + ".ff.net.0.proj", ch * 8, ch);  // GEGLU: value and gate, inner 4*ch
      linear(b + ".ff.net.2", ch, ch * 4);
      for (const char* n : {"norm1", "norm2", "norm3"}) norm(b + "." + n, ch);
    }
    proj(p + ".proj_out");
  }
  void vae_res(const std::string& p, int64_t cin, int64_t cout) {
    norm(p + ".norm1", cin);
    conv(p + ".conv1", cout, cin, 3);
    norm(p + ".norm2", cout);
    conv(p + ".conv2", cout, cout, 3);
    if (cin != cout) conv(p + ".nin_shortcut", cout, cin, 1);
  }
  void vae_mid(const std::string& p, int64_t c) {
    vae_res(p + ".block_1", c, c);
    norm(p + ".attn_1.norm", c);
    for (const char* n : {"q", "k", "v", "proj_out"}) conv(p + ".attn_1." + n, c, c, 1);
    vae_res(p + ".block_2", c, c);
  }
};

void prefixed(std::vector<TensorSpec>& into, const std::string& prefix, std::vector<TensorSpec> specs) {
  for (auto& s : specs) {
    s.name = prefix + s.name;
    into.push_back(std::move(s));
  }
}

}  // namespace

std::vector<TensorSpec> unet_layout(const UNetConfig& c) {
  Builder b;
  const int64_t mc = c.model_channels, temb = c.time_embed_dim;
  const int levels = int(c.channel_mult.size()), n = c.num_res_blocks;
  if (int(c.transformer_depth.size()) != levels) fail("unet_layout: transformer_depth needs one entry per level");
  b.linear("time_embed.0", temb, mc);
  b.linear("time_embed.2", temb, temb);
  if (c.adm_in_channels > 0) {
    b.linear("label_emb.0.0", temb, c.adm_in_channels);
    b.linear("label_emb.0.2", temb, temb);
  }
  b.conv("input_blocks.0.0", mc, c.in_channels, 3);
  std::vector<int64_t> skips{mc};
  int64_t ch = mc;
  int idx = 1;
  for (int l = 0; l < levels; ++l) {
    for (int r = 0; r < n; ++r, ++idx) {
      int64_t out = mc * c.channel_mult[l];
      b.unet_res(fmt::format("input_blocks.{}.0", idx), ch, out, temb);
      ch = out;
      if (c.transformer_depth[l] > 0)
        b.transformer(fmt::format("input_blocks.{}.1", idx), ch, c.transformer_depth[l], c.context_dim,
                      c.linear_projection);
      skips.push_back(ch);
    }
    if (l != levels - 1) {
      b.conv(fmt::format("input_blocks.{}.0.op", idx++), ch, ch, 3);
      skips.push_back(ch);
    }
  }
  b.unet_res("middle_block.0", ch, ch, temb);
  if (c.transformer_depth_middle > 0) {
    b.transformer("middle_block.1", ch, c.transformer_depth_middle, c.context_dim, c.linear_projection);
    b.unet_res("middle_block.2", ch, ch, temb);
  } else {
    b.unet_res("middle_block.1", ch, ch, temb);
  }
  idx = 0;
  for (int l = levels - 1; l >= 0; --l) {
    for (int r = 0; r <= n; ++r, ++idx) {
      int64_t skip = skips.back(), out = mc * c.channel_mult[l];
      skips.pop_back();
      b.unet_res(fmt::format("output_blocks.{}.0", idx), ch + skip, out, temb);
      ch = out;
      int slot = 1;
      if (c.transformer_depth[l] > 0)
        b.transformer(fmt::format("output_blocks.{}.{}", idx, slot++), ch, c.transformer_depth[l], c.context_dim,
                      c.linear_projection);
      if (l > 0 && r == n) b.conv(fmt::format("output_blocks.{}.{}.conv", idx, slot), ch, ch, 3);
    }
  }
  b.norm("out.0", ch);
  b.conv("out.2", c.out_channels, ch, 3);
  return b.out;
}

std::vector<TensorSpec> vae_layout(const VAEConfig& c) {
  Builder b;
  const int levels = int(c.ch_mult.size()), n = c.num_res_blocks;
  b.conv("encoder.conv_in", c.ch, c.in_channels, 3);
  int64_t block_in = c.ch;
  for (int l = 0; l < levels; ++l) {
    int64_t out = int64_t(c.ch) * c.ch_mult[l];
    for (int j = 0; j < n; ++j) {
      b.vae_res(fmt::format("encoder.down.{}.block.{}", l, j), block_in, out);
      block_in = out;
    }
    if (l != levels - 1) b.conv(fmt::format("encoder.down.{}.downsample.conv", l), block_in, block_in, 3);
  }
  b.vae_mid("encoder.mid", block_in);
  b.norm("encoder.norm_out", block_in);
  b.conv("encoder.conv_out", 2 * c.z_channels, block_in, 3);
  b.conv("quant_conv", 2 * c.embed_dim, 2 * c.z_channels, 1);
  b.conv("post_quant_conv", c.z_channels, c.embed_dim, 1);
  block_in = int64_t(c.ch) * c.ch_mult.back();
  b.conv("decoder.conv_in", block_in, c.z_channels, 3);
  b.vae_mid("decoder.mid", block_in);
  for (int l = levels - 1; l >= 0; --l) {
    int64_t out = int64_t(c.ch) * c.ch_mult[l];
    for (int j = 0; j <= n; ++j) {
      b.vae_res(fmt::format("decoder.up.{}.block.{}", l, j), block_in, out);
      block_in = out;
    }
    if (l != 0) b.conv(fmt::format("decoder.up.{}.upsample.conv", l), block_in, block_in, 3);
  }
  b.norm("decoder.norm_out", block_in);
  b.conv("decoder.conv_out", c.out_channels, block_in, 3);
  return b.out;
}

std::vector<TensorSpec> hf_clip_layout(const ClipTextConfig& c) {
  Builder b;
  const int64_t h = c.hidden;
  b.add("text_model.embeddings.token_embedding.weight", {c.vocab_size, h}, Init::Embedding);
  b.add("text_model.embeddings.position_embedding.weight", {c.max_positions, h}, Init::Embedding);
  for (int i = 0; i < c.layers; ++i) {
    std::string p = fmt::format("text_model.encoder.layers.{}", i);
    b.norm(p + ".layer_norm1", h);
    for (const char* n : {"k_proj", "v_proj", "q_proj", "out_proj"}) b.linear(p + ".self_attn." + n, h, h);
    b.norm(p + ".layer_norm2", h);
    b.linear(p + ".mlp.fc1", c.intermediate, h);
    b.linear(p + ".mlp.fc2", h, c.intermediate);
  }
  b.norm("text_model.final_layer_norm", h);
  if (c.has_projection) b.linear("text_projection", c.projection_dim, h, false);
  return b.out;
}

std::vector<TensorSpec> openclip_layout(const ClipTextConfig& c) {
  Builder b;
  const int64_t h = c.hidden;
  b.add("token_embedding.weight", {c.vocab_size, h}, Init::Embedding);
  b.add("positional_embedding", {c.max_positions, h}, Init::Embedding);
  for (int i = 0; i < c.layers; ++i) {
    std::string p = fmt::format("transformer.resblocks.{}", i);
    b.norm(p + ".ln_1", h);
    b.add(p + ".attn.in_proj_weight", {3 * h, h});
    b.add(p + ".attn.in_proj_bias", {3 * h}, Init::Zero);
    b.linear(p + ".attn.out_proj", h, h);
    b.norm(p + ".ln_2", h);
    b.linear(p + ".mlp.c_fc", c.intermediate, h);
    b.linear(p + ".mlp.c_proj", h, c.intermediate);
  }
  b.norm("ln_final", h);
  b.add("text_projection", {h, c.projection_dim > 0 ? c.projection_dim : h});
  b.add("logit_scale", {}, Init::LogitScale);
  return b.out;
}

ArchConfigs arch_configs(std::string_view arch) {
  ArchConfigs a;
  a.clip_l.layers = 0;
  a.openclip.layers = 0;
  ClipTextConfig clip_l;  // OpenAI CLIP ViT-L/14 text tower (the ClipTextConfig defaults)
  ClipTextConfig open_h{49408, 77, 1024, 24, 16, 4096, "gelu", 1e-5f, false, 1024};
  ClipTextConfig open_g{49408, 77, 1280, 32, 20, 5120, "gelu", 1e-5f, true, 1280};
  UNetConfig& u = a.unet;
  if (arch == "sd15") {
    a.clip_l = clip_l;
    u.transformer_depth = {1, 1, 1, 0};
  } else if (arch == "sd21") {
    a.openclip = open_h;
    u.transformer_depth = {1, 1, 1, 0};
    u.context_dim = 1024;
    u.linear_projection = true;
    u.num_heads = -1;
    u.head_dim = 64;
  } else if (arch == "sdxl" || arch == "sdxl-refiner") {
    const bool base = arch == "sdxl";
    if (base) a.clip_l = clip_l;
    a.openclip = open_g;
    u.model_channels = base ? 320 : 384;
    u.channel_mult = base ? std::vector<int>{1, 2, 4} : std::vector<int>{1, 2, 4, 4};
    u.transformer_depth = base ? std::vector<int>{0, 2, 10} : std::vector<int>{0, 4, 4, 0};
    u.attention_levels = base ? std::vector<int>{1, 2} : std::vector<int>{1, 2};
    u.transformer_depth_middle = base ? 10 : 4;
    u.context_dim = base ? 2048 : 1280;
    u.adm_in_channels = base ? 2816 : 2560;
    u.time_embed_dim = u.model_channels * 4;
    u.linear_projection = true;
    u.num_heads = -1;
    u.head_dim = 64;
    a.vae.scaling_factor = 0.13025f;
  } else {
    fail("unknown architecture '{}' (known: sd15, sd21, sdxl, sdxl-refiner)", arch);
  }
  return a;
}

std::vector<std::string> known_archs() { return {"sd15", "sd21", "sdxl", "sdxl-refiner"}; }

std::vector<TensorSpec> checkpoint_layout(std::string_view arch) {
  ArchConfigs a = arch_configs(arch);
  std::vector<TensorSpec> out;
  prefixed(out, "model.diffusion_model.", unet_layout(a.unet));
  prefixed(out, "first_stage_model.", vae_layout(a.vae));
  auto ids = [](std::string prefix) {
    return TensorSpec{prefix + "text_model.embeddings.position_ids", {1, 77}, Init::PositionIds, DType::I64};
  };
  if (arch == "sd15") {
    prefixed(out, "cond_stage_model.transformer.", hf_clip_layout(a.clip_l));
    out.push_back(ids("cond_stage_model.transformer."));
  } else if (arch == "sd21") {
    prefixed(out, "cond_stage_model.model.", openclip_layout(a.openclip));
  } else if (arch == "sdxl") {
    prefixed(out, "conditioner.embedders.0.transformer.", hf_clip_layout(a.clip_l));
    out.push_back(ids("conditioner.embedders.0.transformer."));
    prefixed(out, "conditioner.embedders.1.model.", openclip_layout(a.openclip));
  } else {  // sdxl-refiner: the bigG encoder alone, as embedder 0
    prefixed(out, "conditioner.embedders.0.model.", openclip_layout(a.openclip));
  }
  return out;
}

}  // namespace easel::naming
