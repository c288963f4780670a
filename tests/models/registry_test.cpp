// Family detection: the tiny oracle model in all its layouts, the generated real architectures,
// and synthetic variants (inpainting, instruct-pix2pix, VAE, LoRA, embeddings).
#include <gtest/gtest.h>

#include "common/oracle.h"
#include "models/registry.h"
#include "synthetic_store.h"

using namespace easel;
using easel::test::shape_only_store;

namespace {

CanonicalModel arch_model(const std::string& arch, int in_channels = 4) {
  auto specs = naming::checkpoint_layout(arch);
  for (auto& s : specs)
    if (s.name == "model.diffusion_model.input_blocks.0.0.weight") s.shape[1] = in_channels;
  return canonicalize(shape_only_store(specs, arch));
}

}  // namespace

TEST(Registry, TinySd15InEveryLayoutIsSd1) {
  auto dir = easel::test::oracle_dir() / "tiny-sd15";
  for (auto p : {dir / "model", dir / "tiny-sd15.safetensors", dir / "tiny-sd15.ckpt"}) {
    auto& f = detect_family(load_model(p.string()));
    EXPECT_EQ(f.id, Family::SD1) << p;
    std::printf("%s: %s\n", p.filename().c_str(), f.name);
  }
}

TEST(Registry, RealArchitectures) {
  const std::pair<const char*, Family> cases[] = {
      {"sd15", Family::SD1}, {"sd21", Family::SD2}, {"sdxl", Family::SDXL}, {"sdxl-refiner", Family::SDXLRefiner}};
  for (auto [arch, fam] : cases) EXPECT_EQ(detect_family(arch_model(arch)).id, fam) << arch;
}

TEST(Registry, InputChannelVariants) {
  EXPECT_EQ(detect_family(arch_model("sd15", 9)).id, Family::SD1Inpaint);
  EXPECT_EQ(detect_family(arch_model("sd15", 8)).id, Family::SD1Pix2Pix);
  EXPECT_EQ(detect_family(arch_model("sd21", 9)).id, Family::SD2Inpaint);
  EXPECT_EQ(detect_family(arch_model("sd21", 5)).id, Family::SD2Depth);
  EXPECT_EQ(detect_family(arch_model("sdxl", 9)).id, Family::SDXLInpaint);
  EXPECT_EQ(detect_family(arch_model("sd15", 7)).id, Family::Unknown);
}

TEST(Registry, NonCheckpointFiles) {
  auto vae = canonicalize(shape_only_store(naming::vae_layout(naming::arch_configs("sd15").vae)));
  EXPECT_EQ(detect_family(vae).id, Family::VAE);
  TensorStore lora;
  lora.path = "<lora>";
  lora.tensors["lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight"] = Tensor::zeros({4, 768});
  lora.tensors["lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight"] = Tensor::zeros({3072, 4});
  lora.tensors["lora_te_text_model_encoder_layers_0_mlp_fc1.alpha"] = Tensor::zeros({});
  EXPECT_EQ(detect_family(canonicalize(lora)).id, Family::LoRA);
  TensorStore ti;
  ti.path = "<ti>";
  ti.tensors["clip_l"] = Tensor::zeros({2, 768});
  ti.tensors["clip_g"] = Tensor::zeros({2, 1280});
  EXPECT_EQ(detect_family(canonicalize(ti)).id, Family::TextualInversion);
  // A text encoder alone is loadable but no family.
  auto te = canonicalize(shape_only_store({{"cond_stage_model.transformer.text_model.final_layer_norm.weight", {8}}}));
  EXPECT_EQ(detect_family(te).id, Family::Unknown);
}

TEST(Registry, OneRowPerFamily) {
  std::set<Family> ids;
  std::set<std::string> keys;
  for (auto& f : families()) {
    EXPECT_TRUE(ids.insert(f.id).second) << f.key;
    EXPECT_TRUE(keys.insert(f.key).second) << f.key;
  }
  EXPECT_EQ(families().back().id, Family::Unknown);
}
