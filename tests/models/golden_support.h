// Shared by the model golden tests: the oracle model sets (every <set>/golden under the oracle
// with its model file and hparams), canonical weight stores per component, configs from hparams,
// and the tolerance check that prints max abs error, rel and NMSE per output.
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/oracle.h"
#include "io/tensor_store.h"
#include "models/configs.h"

namespace easel::test {

// One model with goldens: oracle/<set>/<model>.safetensors + .hparams.json + golden/.
struct GoldenSet {
  std::filesystem::path dir;   // oracle/<set>
  std::string model;           // "tiny-sd15"
  nlohmann::json hparams;
};
std::vector<GoldenSet> golden_sets();
// golden/<stem>*.json files of a set (e.g. stem "unet"), each with its .safetensors beside it.
std::vector<std::filesystem::path> golden_files(const GoldenSet& s, const std::string& stem);
nlohmann::json read_json(const std::filesystem::path& p);

// Canonical stores of every file layout of the set that can be loaded: label -> (component -> store).
struct LayoutStores {
  std::string label;
  std::map<std::string, TensorStore> components;  // "unet", "vae", "text_encoder"
};
std::vector<LayoutStores> layout_stores(const GoldenSet& s);

// Configs inferred from the canonical weights (models/infer_config.h), as the engine does.
UNetConfig unet_config(const LayoutStores& l);
VAEConfig vae_config(const LayoutStores& l);
ClipTextConfig clip_config(const GoldenSet& s, const LayoutStores& l);

// The backends every golden runs on.
std::vector<std::string> golden_backends();

// Tolerances (float32, see clip_golden_test.cpp for the reasoning): max|got-want| / max|want| and
// NMSE = sum (got-want)^2 / sum want^2.
constexpr double kMaxRel = 1e-4, kMaxNmse = 1e-9;

// Compares, prints one line "[tag] name: max_abs rel nmse" and records a failure when over.
// Returns whether it passed.
bool check_close(const std::string& tag, const std::string& name, const Tensor& got, const Tensor& want);

}  // namespace easel::test
