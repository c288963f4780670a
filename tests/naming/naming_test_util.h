// Helpers for the naming tests: reading the tiny-sd15 oracle layouts and building small stores.
#pragma once
#include <string>

#include "common/oracle.h"
#include "io/model_files.h"
#include "io/safetensors.h"
#include "io/tensor_store.h"

namespace easel::test {

inline std::string tiny_dir() { return (oracle_dir() / "tiny-sd15").string(); }

// The diffusers folder read component by component with the safetensors reader, so the name
// tables are tested independently of the folder reader.
inline DiffusersFolder tiny_diffusers_components() {
  DiffusersFolder f;
  f.path = tiny_dir() + "/model";
  const std::pair<const char*, const char*> parts[] = {{"unet", "unet/diffusion_pytorch_model.safetensors"},
                                                       {"vae", "vae/diffusion_pytorch_model.safetensors"},
                                                       {"text_encoder", "text_encoder/model.safetensors"}};
  for (auto& [name, file] : parts) {
    DiffusersComponent c;
    c.name = name;
    c.weights = load_safetensors(f.path + "/" + file);
    f.components[name] = std::move(c);
  }
  return f;
}

// A store of zero-filled F32 tensors with the given shapes.
inline TensorStore fake_store(std::initializer_list<std::pair<std::string, Shape>> entries) {
  TensorStore s;
  s.format = "test";
  s.path = "<test>";
  for (auto& [n, shape] : entries) s.tensors[n] = Tensor::zeros(shape);
  return s;
}

}  // namespace easel::test
