// The mapping tables on real layouts: the tiny-sd15 LDM single file and diffusers components
// must give the same canonical tensors bit for bit; strict accounting; the view transforms.
#include <gtest/gtest.h>

#include <cstring>

#include "core/error.h"
#include "naming/canonical_model.h"
#include "naming_test_util.h"

using namespace easel;
using easel::test::fake_store;

namespace {

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

}  // namespace

TEST(Mapping, TinyLdmSingleFileIsFullyExplained) {
  auto store = load_safetensors(easel::test::tiny_dir() + "/tiny-sd15.safetensors");
  auto m = canonicalize(store);
  EXPECT_EQ(m.layout, "ldm-checkpoint");
  EXPECT_TRUE(m.accounting.unexplained.empty());
  EXPECT_EQ(m.accounting.total, store.tensors.size());
  EXPECT_EQ(m.accounting.mapped, store.tensors.size());
  ASSERT_TRUE(m.has("unet") && m.has("vae") && m.has("text_encoder"));
  EXPECT_EQ(m.at("unet").tensors.size(), 684u);
  EXPECT_EQ(m.at("vae").tensors.size(), 244u);
  EXPECT_EQ(m.at("text_encoder").tensors.size(), 52u);
  EXPECT_TRUE(m.at("unet").has("input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight"));
  EXPECT_TRUE(m.at("vae").has("decoder.mid.attn_1.q.weight"));
  EXPECT_TRUE(m.at("text_encoder").has("text_model.encoder.layers.0.self_attn.q_proj.weight"));
  // Zero-copy: the canonical tensor is the file's bytes.
  EXPECT_EQ(m.at("unet").at("out.2.weight").raw(), store.at("model.diffusion_model.out.2.weight").raw());
  std::printf("tiny-sd15.safetensors: %zu tensors, %zu mapped, 0 unexplained\n", m.accounting.total,
              m.accounting.mapped);
}

// Every diffusers tensor maps to a canonical name whose LDM counterpart has the same shape and
// bytes, and the two layouts give exactly the same canonical sets.
TEST(Mapping, TinyDiffusersMatchesLdmBitwise) {
  auto ldm = canonicalize(load_safetensors(easel::test::tiny_dir() + "/tiny-sd15.safetensors"));
  auto folder = easel::test::tiny_diffusers_components();
  auto dif = canonicalize(folder);
  EXPECT_TRUE(dif.accounting.unexplained.empty());
  size_t checked = 0, mismatched = 0;
  for (auto& [comp, store] : dif.components) {
    ASSERT_TRUE(ldm.has(comp)) << comp;
    auto& other = ldm.at(comp);
    EXPECT_EQ(store.tensors.size(), other.tensors.size()) << comp;
    for (auto& [name, t] : store.tensors) {
      ++checked;
      if (!other.has(name)) {
        ADD_FAILURE() << comp << ": diffusers maps to '" << name << "' which the LDM file lacks";
        ++mismatched;
        continue;
      }
      if (!same_bytes(t, other.at(name))) {
        ADD_FAILURE() << comp << ": '" << name << "' differs: " << shape_str(t.shape()) << " vs "
                      << shape_str(other.at(name).shape());
        ++mismatched;
      }
    }
  }
  std::printf("tiny-sd15 diffusers vs LDM: %zu canonical tensors compared, %zu mismatched\n", checked, mismatched);
  EXPECT_EQ(checked, 684u + 244u + 52u);
}

TEST(Mapping, StrictAccountingRejectsAndListsUnknownTensors) {
  auto store = load_safetensors(easel::test::tiny_dir() + "/tiny-sd15.safetensors");
  store.tensors["model.diffusion_model.bogus_block.weight"] = Tensor::zeros({2});
  store.tensors["something_else"] = Tensor::zeros({2});
  try {
    canonicalize(store);
    ADD_FAILURE() << "an unknown tensor was accepted";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("model.diffusion_model.bogus_block.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("something_else"), std::string::npos) << msg;
    EXPECT_NE(msg.find("2 tensor(s)"), std::string::npos) << msg;
  }
  LoadOptions lenient;
  lenient.lenient = true;
  auto m = canonicalize(store, lenient);
  EXPECT_EQ(m.accounting.unexplained,
            (std::vector<std::string>{"model.diffusion_model.bogus_block.weight", "something_else"}));
  EXPECT_EQ(m.at("unet").tensors.size(), 684u);
}

TEST(Mapping, DiffusersFolderRejectsUnknownTensorInAComponent) {
  auto folder = easel::test::tiny_diffusers_components();
  folder.components["unet"].weights.tensors["down_blocks.0.mystery.weight"] = Tensor::zeros({4});
  try {
    canonicalize(folder);
    ADD_FAILURE() << "an unknown diffusers tensor was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unet/down_blocks.0.mystery.weight"), std::string::npos) << e.what();
  }
  // A whole unknown component is unexplained too; a known-unused one (safety_checker) is ignored.
  folder = easel::test::tiny_diffusers_components();
  DiffusersComponent sc;
  sc.name = "safety_checker";
  sc.weights = fake_store({{"vision_model.post_layernorm.weight", {8}}});
  folder.components["safety_checker"] = sc;
  auto m = canonicalize(folder);
  EXPECT_EQ(m.accounting.ignored, 1u);
  sc.name = "controlnet";
  folder.components["controlnet"] = sc;
  EXPECT_THROW(canonicalize(folder), Error);
}

TEST(Mapping, IgnoresExplainRealCheckpointExtras) {
  auto store = load_safetensors(easel::test::tiny_dir() + "/tiny-sd15.safetensors");
  store.tensors["cond_stage_model.transformer.text_model.embeddings.position_ids"] = Tensor::zeros({1, 77}, DType::I64);
  store.tensors["model_ema.decay"] = Tensor::zeros({});
  store.tensors["model_ema.diffusion_modelout2weight"] = Tensor::zeros({4});
  store.tensors["alphas_cumprod"] = Tensor::zeros({1000});
  store.tensors["betas"] = Tensor::zeros({1000});
  store.tensors["v_pred"] = Tensor::zeros({0});
  auto m = canonicalize(store);
  EXPECT_EQ(m.accounting.ignored, 6u);
  EXPECT_TRUE(m.flags.count("v_pred"));
  EXPECT_FALSE(m.at("text_encoder").has("text_model.embeddings.position_ids"));
}

TEST(Mapping, DuplicateCanonicalNamesFail) {
  auto s = fake_store({{"cond_stage_model.transformer.text_model.final_layer_norm.weight", {4}},
                       {"cond_stage_model.transformer.final_layer_norm.weight", {4}}});
  // Both spellings map to text_model.final_layer_norm.weight.
  EXPECT_THROW(canonicalize(s), Error);
}

TEST(Mapping, OpenClipSplitsFusedQkvAsViewsAndTransposesProjection) {
  const int C = 4;
  TensorStore s;
  s.path = "<test>";
  std::vector<float> w(3 * C * C), b(3 * C), proj(C * 2);
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(i);
  for (size_t i = 0; i < b.size(); ++i) b[i] = 100.f + float(i);
  for (size_t i = 0; i < proj.size(); ++i) proj[i] = float(i);
  const std::string p = "conditioner.embedders.1.model.";
  s.tensors[p + "transformer.resblocks.0.attn.in_proj_weight"] = Tensor::from({3 * C, C}, w);
  s.tensors[p + "transformer.resblocks.0.attn.in_proj_bias"] = Tensor::from({3 * C}, b);
  s.tensors[p + "text_projection"] = Tensor::from({C, 2}, proj);
  s.tensors[p + "logit_scale"] = Tensor::zeros({});
  auto m = canonicalize(s);
  auto& te = m.at("text_encoder_2");
  const char* parts[] = {"q", "k", "v"};
  for (int k = 0; k < 3; ++k) {
    auto& t = te.at(fmt::format("text_model.encoder.layers.0.self_attn.{}_proj.weight", parts[k]));
    EXPECT_EQ(t.shape(), (Shape{C, C}));
    EXPECT_EQ(t.raw(), s.at(p + "transformer.resblocks.0.attn.in_proj_weight").f32() + k * C * C);  // a view
    EXPECT_EQ(te.at(fmt::format("text_model.encoder.layers.0.self_attn.{}_proj.bias", parts[k])).f32()[0],
              100.f + k * C);
  }
  auto& tp = te.at("text_projection.weight");
  ASSERT_EQ(tp.shape(), (Shape{2, C}));
  for (int r = 0; r < C; ++r)
    for (int c = 0; c < 2; ++c) EXPECT_EQ(tp.f32()[c * C + r], proj[r * 2 + c]);
  EXPECT_EQ(m.accounting.ignored, 1u);  // logit_scale
}

TEST(Mapping, VaeAttentionShapesNormalisedToLdm) {
  // The diffusers v0.25 converter wrote [C,1,1] biases; [C,C] weights come from other tools.
  auto s = fake_store({{"first_stage_model.decoder.mid.attn_1.q.weight", {8, 8}},
                       {"first_stage_model.decoder.mid.attn_1.q.bias", {8, 1, 1}},
                       {"first_stage_model.decoder.mid.attn_1.proj_out.weight", {8, 8, 1, 1}}});
  auto m = canonicalize(s);
  EXPECT_EQ(m.at("vae").at("decoder.mid.attn_1.q.weight").shape(), (Shape{8, 8, 1, 1}));
  EXPECT_EQ(m.at("vae").at("decoder.mid.attn_1.q.bias").shape(), (Shape{8}));
  EXPECT_EQ(m.at("vae").at("decoder.mid.attn_1.proj_out.weight").shape(), (Shape{8, 8, 1, 1}));
}

TEST(Mapping, StandaloneFilesPickTheirLayout) {
  // A standalone LDM VAE: the tiny model's VAE without the prefix.
  auto full = load_safetensors(easel::test::tiny_dir() + "/tiny-sd15.safetensors");
  TensorStore vae;
  vae.path = "<vae>";
  for (auto& [n, t] : full.tensors)
    if (n.rfind("first_stage_model.", 0) == 0) vae.tensors[n.substr(18)] = t;
  auto m = canonicalize(vae);
  EXPECT_EQ(m.layout, "ldm-vae");
  EXPECT_EQ(m.at("vae").tensors.size(), 244u);
  // The diffusers VAE file alone is recognised as such and gives the same canonical names.
  auto dv = canonicalize(load_safetensors(easel::test::tiny_dir() + "/model/vae/diffusion_pytorch_model.safetensors"));
  EXPECT_EQ(dv.layout, "diffusers-vae");
  for (auto& [n, t] : dv.at("vae").tensors) EXPECT_TRUE(m.at("vae").has(n)) << n;
  auto du = canonicalize(load_safetensors(easel::test::tiny_dir() + "/model/unet/diffusion_pytorch_model.safetensors"));
  EXPECT_EQ(du.layout, "diffusers-unet");
  EXPECT_EQ(du.at("unet").tensors.size(), 684u);

  auto lora = canonicalize(fake_store({{"lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", {4, 32}},
                                       {"lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight", {32, 4}},
                                       {"lora_unet_down_blocks_0_attentions_0_proj_in.alpha", {}}}));
  EXPECT_EQ(lora.layout, "lora");
  EXPECT_EQ(lora.at("lora").tensors.size(), 3u);
  EXPECT_TRUE(lora.at("lora").has("lora_unet_down_blocks_0_attentions_0_proj_in.alpha"));  // names kept
  auto loha = canonicalize(fake_store({{"lora_unet_mid_block_attentions_0_proj_in.hada_w1_a", {4, 8}},
                                       {"lora_unet_mid_block_attentions_0_proj_in.hada_w1_b", {8, 4}}}));
  EXPECT_EQ(loha.layout, "lora");
  EXPECT_TRUE(loha.at("lora").has("lora_unet_mid_block_attentions_0_proj_in.hada_w1_b"));
  auto ti = canonicalize(fake_store({{"emb_params", {2, 768}}}));
  EXPECT_EQ(ti.layout, "embedding");
  EXPECT_THROW(canonicalize(fake_store({{"foo.bar", {3}}})), Error);
}
