// Entry points for reading weights from any file layout a Stable Diffusion user has.
// The format is detected from the content (magic bytes / folder structure), never the file name.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "io/tensor_store.h"

namespace easel {

// A single weights file: .safetensors, a sharded *.safetensors.index.json, or a torch zip
// checkpoint (.ckpt/.pt/.bin; the state dict may sit under "state_dict"). Tensors keep the file's
// names and dtypes.
TensorStore load_weights(const std::string& path);
// One weights file (safetensors or torch zip), never an index: what shards are loaded with.
TensorStore load_weights_file(const std::string& path);

// What a file is, from its first bytes: "safetensors", "torch-zip", "index" (a *.index.json),
// "legacy-torch" (pre-1.6 pickle, unsupported) or "" (unknown).
std::string detect_weights_format(const std::string& path);

// A diffusers folder: model_index.json + one subfolder per component.
struct DiffusersComponent {
  std::string name;        // "unet", "vae", "text_encoder", "text_encoder_2", ...
  nlohmann::json config;   // config.json (empty object if absent)
  TensorStore weights;     // merged across shards; fp16 variant when asked for
};
struct DiffusersFolder {
  std::string path;
  nlohmann::json model_index;
  std::map<std::string, DiffusersComponent> components;  // only components with weights
  std::string tokenizer_dir;    // "<path>/tokenizer" if it has vocab.json + merges.txt, else ""
  std::string tokenizer_2_dir;  // SDXL second tokenizer, else ""
};
// `variant` selects e.g. "fp16" files (diffusion_pytorch_model.fp16.safetensors); empty = default,
// falling back to the variant when only the variant exists.
DiffusersFolder load_diffusers(const std::string& dir, const std::string& variant = "");
bool is_diffusers_folder(const std::string& path);

}  // namespace easel
