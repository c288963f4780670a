// Hyper-parameters a checkpoint's tensors cannot show (head counts, latent scale, prediction
// type, noise schedule), read from the files that sit next to it: A1111's `<stem>.yaml` (LDM
// config) and easel's `<stem>.hparams.json` / safetensors metadata "easel.config" (JSON with
// per-component objects in Hugging Face config vocabulary).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace easel {

struct SidecarConfig {
  std::string yaml_path, json_path;  // which files were read ("" if none)
  // From the LDM yaml.
  std::optional<int> unet_num_heads, unet_head_channels;
  std::optional<double> scale_factor, linear_start, linear_end;
  std::optional<int> timesteps;
  std::optional<bool> v_prediction;
  // Top-level "image_size" of easel.config: the side the model was trained at (its natural
  // default resolution; SD 1.x files do not say, and 512 is assumed for them).
  std::optional<int> image_size;
  // Per component ("unet", "vae", "text_encoder") HF-style configs from the JSON sidecar.
  std::map<std::string, nlohmann::json> components;
};

// Scalar `key: value` pairs of an LDM config yaml (last occurrence wins; comments stripped).
// Only the flat scalars are read: this is not a general YAML parser.
std::map<std::string, std::string> read_yaml_scalars(const std::string& path);

// Looks for `<stem>.yaml` and `<stem>.hparams.json` beside `checkpoint` (a file), and the
// "easel.config" metadata entry; fails naming the file when one exists but is malformed.
SidecarConfig read_sidecar_config(const std::string& checkpoint, const std::map<std::string, std::string>& metadata);

}  // namespace easel
