// Hyper-parameters inferred from shapes: round trips through the generated real architectures,
// the published parameter counts, and the tiny-sd15 oracle's recorded hyper-parameters.
#include <gtest/gtest.h>

#include <fstream>

#include "common/oracle.h"
#include "core/error.h"
#include "models/infer_config.h"
#include "naming/canonical_model.h"
#include "synthetic_store.h"

using namespace easel;
using easel::test::numel_of;
using easel::test::shape_only_store;

namespace {

void expect_same(const UNetConfig& a, const UNetConfig& b, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.in_channels, b.in_channels);
  EXPECT_EQ(a.out_channels, b.out_channels);
  EXPECT_EQ(a.model_channels, b.model_channels);
  EXPECT_EQ(a.channel_mult, b.channel_mult);
  EXPECT_EQ(a.num_res_blocks, b.num_res_blocks);
  EXPECT_EQ(a.attention_levels, b.attention_levels);
  EXPECT_EQ(a.transformer_depth, b.transformer_depth);
  EXPECT_EQ(a.transformer_depth_middle, b.transformer_depth_middle);
  EXPECT_EQ(a.context_dim, b.context_dim);
  EXPECT_EQ(a.linear_projection, b.linear_projection);
  EXPECT_EQ(a.adm_in_channels, b.adm_in_channels);
  EXPECT_EQ(a.time_embed_dim, b.time_embed_dim);
  EXPECT_EQ(a.num_heads, b.num_heads);
  EXPECT_EQ(a.head_dim, b.head_dim);
}

}  // namespace

TEST(InferConfig, RoundTripsEveryKnownArchitecture) {
  for (auto& arch : naming::known_archs()) {
    auto cfg = naming::arch_configs(arch);
    // Through the full single-file layout and the LDM name tables, as a real file would go.
    auto m = canonicalize(shape_only_store(naming::checkpoint_layout(arch), arch));
    EXPECT_TRUE(m.accounting.unexplained.empty()) << arch;
    expect_same(infer_unet_config(m.at("unet")), cfg.unet, arch);
    auto v = infer_vae_config(m.at("vae"));
    EXPECT_EQ(v.ch, cfg.vae.ch);
    EXPECT_EQ(v.ch_mult, cfg.vae.ch_mult);
    EXPECT_EQ(v.num_res_blocks, cfg.vae.num_res_blocks);
    EXPECT_EQ(v.z_channels, cfg.vae.z_channels);
    EXPECT_EQ(v.embed_dim, cfg.vae.embed_dim);
    const std::pair<const char*, const ClipTextConfig*> encoders[] = {{"text_encoder", &cfg.clip_l},
                                                                      {"text_encoder_2", &cfg.openclip}};
    bool sd2 = arch == "sd21";
    for (auto [comp, want] : encoders) {
      const ClipTextConfig& w = sd2 && std::string(comp) == "text_encoder" ? cfg.openclip : *want;
      if (w.layers == 0 || (sd2 && std::string(comp) == "text_encoder_2")) {
        EXPECT_FALSE(m.has(comp)) << arch << " " << comp;
        continue;
      }
      auto c = infer_clip_text_config(m.at(comp));
      SCOPED_TRACE(arch + " " + comp);
      EXPECT_EQ(c.hidden, w.hidden);
      EXPECT_EQ(c.layers, w.layers);
      EXPECT_EQ(c.heads, w.heads);
      EXPECT_EQ(c.intermediate, w.intermediate);
      EXPECT_EQ(c.act, w.act);
      EXPECT_EQ(c.max_positions, w.max_positions);
      EXPECT_EQ(c.has_projection, w.has_projection);
    }
    std::printf("%s: unet %lld, vae %lld params\n", arch.c_str(), (long long)count_params(m.at("unet")),
                (long long)count_params(m.at("vae")));
  }
}

TEST(InferConfig, PublishedParameterCounts) {
  auto sd15 = naming::arch_configs("sd15");
  EXPECT_EQ(numel_of(naming::unet_layout(sd15.unet)), 859520964);
  EXPECT_EQ(numel_of(naming::vae_layout(sd15.vae)), 83653863);
  EXPECT_EQ(numel_of(naming::hf_clip_layout(sd15.clip_l)), 123060480);
  EXPECT_EQ(numel_of(naming::unet_layout(naming::arch_configs("sd21").unet)), 865910724);
  auto xl = naming::arch_configs("sdxl");
  EXPECT_EQ(numel_of(naming::unet_layout(xl.unet)), 2567463684);
  EXPECT_EQ(numel_of(naming::hf_clip_layout(xl.openclip)), 694659840);  // CLIPTextModelWithProjection bigG
}

// Every tiny model with recorded hyper-parameters: the single file's shapes must give them.
TEST(InferConfig, TinyOracleHyperParameters) {
  auto files = easel::test::oracle_files("tiny-sd15", ".hparams.json");
  ASSERT_FALSE(files.empty());
  for (auto& hp_path : files) {
    nlohmann::json hp = nlohmann::json::parse(std::ifstream(hp_path));
    std::string stem = hp_path.string().substr(0, hp_path.string().size() - std::string(".hparams.json").size());
    auto m = load_model(stem + ".safetensors");
    auto u = infer_unet_config(m.at("unet"));
    auto& hu = hp["unet"];
    EXPECT_EQ(u.model_channels, hu["model_channels"].get<int>());
    EXPECT_EQ(u.channel_mult, hu["channel_mult"].get<std::vector<int>>());
    EXPECT_EQ(u.num_res_blocks, hu["num_res_blocks"].get<int>());
    EXPECT_EQ(u.num_heads, hu["num_heads"].get<int>());
    EXPECT_EQ(u.context_dim, hu["context_dim"].get<int>());
    EXPECT_EQ(u.linear_projection, hu["use_linear_in_transformer"].get<bool>());
    EXPECT_EQ(u.time_embed_dim, hu["time_embed_dim"].get<int>());
    EXPECT_EQ(u.transformer_depth_middle, hu["transformer_depth"].get<int>());
    // attention_resolutions are downsampling factors 2^level.
    std::vector<int> res;
    for (int l : u.attention_levels) res.push_back(1 << l);
    auto want = hu["attention_resolutions"].get<std::vector<int>>();
    std::sort(want.begin(), want.end());
    EXPECT_EQ(res, want);
    auto v = infer_vae_config(m.at("vae"));
    auto& hv = hp["vae"];
    EXPECT_EQ(v.ch, hv["ch"].get<int>());
    EXPECT_EQ(v.ch_mult, hv["ch_mult"].get<std::vector<int>>());
    EXPECT_EQ(v.num_res_blocks, hv["num_res_blocks"].get<int>());
    EXPECT_EQ(v.z_channels, hv["z_channels"].get<int>());
    EXPECT_EQ(v.embed_dim, hv["embed_dim"].get<int>());
    // The text encoder's head count is not in its shapes (hidden 32): with the config it is.
    auto& ht = hp["text_encoder"];
    if (ht["hidden_size"].get<int>() % 64 != 0)
      EXPECT_THROW(infer_clip_text_config(m.at("text_encoder")), Error);
    auto t = infer_clip_text_config(m.at("text_encoder"), ht);
    EXPECT_EQ(t.hidden, ht["hidden_size"].get<int>());
    EXPECT_EQ(t.layers, ht["num_hidden_layers"].get<int>());
    EXPECT_EQ(t.heads, ht["num_attention_heads"].get<int>());
    EXPECT_EQ(t.intermediate, ht["intermediate_size"].get<int>());
    EXPECT_EQ(t.act, ht["hidden_act"].get<std::string>());
    EXPECT_EQ(t.vocab_size, ht["vocab_size"].get<int>());
    std::printf("%s: unet/vae/text hyper-parameters match\n", hp_path.filename().c_str());
  }
}
