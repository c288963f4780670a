// The canonical-model entry point: any weights file or diffusers folder in, one TensorStore per
// component with canonical names (docs/naming.md) out, plus an accounting of every tensor.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "io/model_files.h"
#include "io/tensor_store.h"
#include "naming/mapper.h"

namespace easel {

struct LoadOptions {
  bool lenient = false;  // unexplained tensors only warn instead of failing the load
  std::string variant;   // diffusers weight variant ("fp16"); empty = default
};

struct CanonicalModel {
  std::string path;
  std::string format;  // "safetensors", "ckpt", "diffusers", ... (from the reader)
  std::string layout;  // which name table matched: "ldm-checkpoint", "ldm-vae", "lora", "diffusers", ...
  // "unet", "vae", "text_encoder", "text_encoder_2" (canonical names), or "lora" / "embedding"
  // (the file's own names). Tensors are views on the file's memory in its own dtype.
  std::map<std::string, TensorStore> components;
  std::map<std::string, nlohmann::json> configs;  // diffusers config.json per component, if any
  std::map<std::string, std::string> metadata;    // safetensors __metadata__
  std::set<std::string> flags;                    // markers found in the file ("v_pred", "ztsnr")
  std::string tokenizer_dir, tokenizer_2_dir;     // diffusers folders only
  naming::Accounting accounting;

  bool has(const std::string& c) const { return components.count(c) != 0; }
  // Throws Error naming the component and the path when absent.
  const TensorStore& at(const std::string& c) const;
};

// Opens `path` (a .safetensors / sharded index / .ckpt / .pt / .bin file, or a diffusers folder)
// and maps it to canonical names. Fails listing the unexplained tensors unless opts.lenient.
CanonicalModel load_model(const std::string& path, const LoadOptions& opts = {});

// The same for weights already read: picks the single-file layout that maps the most tensors.
CanonicalModel canonicalize(const TensorStore& store, const LoadOptions& opts = {});
CanonicalModel canonicalize(const DiffusersFolder& folder, const LoadOptions& opts = {});

// Total element count of the floating-point tensors (buffers such as int64 ids excluded).
int64_t count_params(const TensorStore& s);

}  // namespace easel
