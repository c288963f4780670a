// Sharded indexes (safetensors and torch-zip shards) and diffusers folders built here: variants,
// shards, .bin components, and the ways an index or folder can be wrong.
#include <gtest/gtest.h>

#include "common/oracle.h"
#include "io/builders.h"
#include "io/model_files.h"
#include "io/safetensors.h"

using namespace easel;
using namespace easel::test;
namespace fs = std::filesystem;

namespace {
Tensor filled(Shape s, float v) {
  Tensor t = Tensor::empty(s);
  for (auto& x : t.span_f32()) x = v;
  return t;
}
void write_index(const fs::path& p, const std::map<std::string, std::string>& map) {
  nlohmann::json j = {{"metadata", {{"total_size", 123}}}, {"weight_map", map}};
  write_file(p, j.dump(2));
}
// A torch zip holding float tensors of the given sizes, each filled with `v`.
std::string ckpt_bytes(const std::map<std::string, int64_t>& ts, float v) {
  std::vector<CkptTensor> specs;
  std::vector<ZipItem> items;
  int k = 0;
  for (auto& [n, size] : ts) {
    specs.push_back({n, std::to_string(k), "FloatStorage", size, 0, {size}, {1}});
    items.push_back({"archive/data/" + std::to_string(k++), f32_bytes(std::vector<float>(size, v))});
  }
  items.insert(items.begin(), {"archive/data.pkl", torch_pickle(specs, false)});
  return make_zip(items);
}
}  // namespace

TEST(Sharded, SafetensorsAndZipShards) {
  fs::path d = temp_dir("sharded_ok");
  save_safetensors((d / "m-00001-of-00002.safetensors").string(), {{"a", filled({2}, 1)}, {"b", filled({3}, 2)}});
  save_safetensors((d / "m-00002-of-00002.safetensors").string(), {{"c", filled({4}, 3)}});
  write_index(d / "m.safetensors.index.json",
              {{"a", "m-00001-of-00002.safetensors"}, {"b", "m-00001-of-00002.safetensors"}, {"c", "m-00002-of-00002.safetensors"}});
  TensorStore s = load_weights((d / "m.safetensors.index.json").string());
  EXPECT_EQ(s.format, "safetensors");
  EXPECT_EQ(s.tensors.size(), 3u);
  EXPECT_EQ(s.at("c").f32()[3], 3.f);
  EXPECT_EQ(s.metadata.at("total_size"), "123");

  write_file(d / "p-1.bin", ckpt_bytes({{"x", 2}}, 5));
  write_file(d / "p-2.bin", ckpt_bytes({{"y", 3}, {"z", 1}}, 6));
  write_index(d / "p.bin.index.json", {{"x", "p-1.bin"}, {"y", "p-2.bin"}, {"z", "p-2.bin"}});
  TensorStore b = load_weights((d / "p.bin.index.json").string());
  EXPECT_EQ(b.format, "ckpt");
  EXPECT_EQ(b.tensors.size(), 3u);
  EXPECT_EQ(b.at("y").f32()[2], 6.f);
}

TEST(Sharded, BrokenIndexes) {
  fs::path d = temp_dir("sharded_bad");
  save_safetensors((d / "s1.safetensors").string(), {{"a", filled({2}, 1)}, {"b", filled({1}, 1)}});
  auto idx = [&](const char* name, const std::map<std::string, std::string>& m) {
    write_index(d / name, m);
    return (d / name).string();
  };
  EXPECT_ERROR(load_weights(idx("missing.json", {{"a", "s1.safetensors"}, {"b", "s1.safetensors"}, {"q", "s1.safetensors"}})),
               "tensor 'q' should be in shard 's1.safetensors'");
  EXPECT_ERROR(load_weights(idx("stray.json", {{"a", "s1.safetensors"}})), "holds tensor 'b' that the index does not assign");
  EXPECT_ERROR(load_weights(idx("trav.json", {{"a", "../s1.safetensors"}})), "plain file name");
  EXPECT_ERROR(load_weights(idx("abs.json", {{"a", "/etc/passwd"}})), "plain file name");
  EXPECT_ERROR(load_weights(idx("nofile.json", {{"a", "s9.safetensors"}})), "does not exist");
  EXPECT_ERROR(load_weights(idx("self.json", {{"a", "self.json"}})), "cannot be a shard itself");
  write_file(d / "badjson.json", "{\"weight_map\": {");
  EXPECT_ERROR(load_weights((d / "badjson.json").string()), "not valid JSON");
  write_file(d / "nomap.json", "{\"metadata\": {}}");
  EXPECT_ERROR(load_weights((d / "nomap.json").string()), "no \"weight_map\"");
  write_file(d / "num.json", R"({"weight_map": {"a": 3}})");
  EXPECT_ERROR(load_weights((d / "num.json").string()), "weight_map['a'] must be a file name");
}

TEST(Diffusers, VariantsShardsAndBin) {
  fs::path d = temp_dir("diffusers_ok");
  write_file(d / "model_index.json", R"({"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"],
    "vae": ["diffusers", "AutoencoderKL"], "text_encoder": ["transformers", "CLIPTextModel"],
    "scheduler": ["diffusers", "PNDMScheduler"], "safety_checker": [null, null], "../evil": ["x", "y"]})");
  fs::create_directories(d / "unet");
  fs::create_directories(d / "vae");
  fs::create_directories(d / "text_encoder");
  fs::create_directories(d / "scheduler");
  write_file(d / "scheduler" / "scheduler_config.json", "{}");
  write_file(d / "unet" / "config.json", R"({"_class_name": "UNet2DConditionModel", "in_channels": 4})");
  // unet: default and fp16 variant, the fp16 one sharded.
  save_safetensors((d / "unet" / "diffusion_pytorch_model.safetensors").string(), {{"w", filled({2}, 32)}});
  Tensor h = Tensor::empty({2}, DType::F16);
  static_cast<uint16_t*>(h.raw())[0] = static_cast<uint16_t*>(h.raw())[1] = f32_to_f16(16);
  save_safetensors((d / "unet" / "diffusion_pytorch_model.fp16-00001-of-00001.safetensors").string(), {{"w", h}});
  write_index(d / "unet" / "diffusion_pytorch_model.safetensors.index.fp16.json",
              {{"w", "diffusion_pytorch_model.fp16-00001-of-00001.safetensors"}});
  // vae: only an fp16 variant.
  save_safetensors((d / "vae" / "diffusion_pytorch_model.fp16.safetensors").string(), {{"v", h}});
  // text encoder: a torch zip pytorch_model.bin.
  write_file(d / "text_encoder" / "pytorch_model.bin", ckpt_bytes({{"t", 4}}, 7));
  write_file(d / "text_encoder" / "config.json", R"({"architectures": ["CLIPTextModel"]})");

  EXPECT_TRUE(is_diffusers_folder(d.string()));
  DiffusersFolder f = load_diffusers(d.string());
  ASSERT_EQ(f.components.size(), 3u);
  EXPECT_EQ(f.components.at("unet").weights.at("w").dtype(), DType::F32);
  EXPECT_EQ(f.components.at("unet").config["in_channels"], 4);
  EXPECT_EQ(f.components.at("vae").weights.at("v").dtype(), DType::F16);  // fallback to the only variant
  EXPECT_TRUE(f.components.at("vae").config.empty());
  EXPECT_EQ(f.components.at("text_encoder").weights.format, "ckpt");
  EXPECT_EQ(f.components.at("text_encoder").weights.at("t").f32()[3], 7.f);
  EXPECT_TRUE(f.tokenizer_dir.empty());

  DiffusersFolder h16 = load_diffusers(d.string(), "fp16");
  EXPECT_EQ(h16.components.at("unet").weights.at("w").dtype(), DType::F16);  // sharded fp16 index
  EXPECT_EQ(h16.components.at("text_encoder").weights.at("t").dtype(), DType::F32);  // no fp16: default
  EXPECT_ERROR(load_diffusers(d.string(), "../x"), "bad variant");
}

TEST(Diffusers, BrokenFolders) {
  fs::path d = temp_dir("diffusers_bad");
  EXPECT_FALSE(is_diffusers_folder(d.string()));
  EXPECT_FALSE(is_diffusers_folder((d / "nope").string()));
  EXPECT_ERROR(load_diffusers(d.string()), "no model_index.json");
  write_file(d / "model_index.json", "{\"unet\": [\"diffusers\", ");
  EXPECT_ERROR(load_diffusers(d.string()), "model_index.json: not valid JSON");
  write_file(d / "model_index.json", R"({"unet": ["diffusers", "UNet2DConditionModel"]})");
  EXPECT_ERROR(load_diffusers(d.string()), "no component with weights");
  fs::create_directories(d / "unet");
  write_file(d / "unet" / "config.json", "[1, 2]");
  save_safetensors((d / "unet" / "diffusion_pytorch_model.safetensors").string(), {{"w", filled({1}, 1)}});
  EXPECT_ERROR(load_diffusers(d.string()), "unet/config.json: expected a JSON object");
  write_file(d / "unet" / "config.json", "{}");
  write_file(d / "unet" / "diffusion_pytorch_model.safetensors", "garbage!");
  EXPECT_ERROR(load_diffusers(d.string()), "diffusion_pytorch_model.safetensors");
}
