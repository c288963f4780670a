// diffusers folders: model_index.json names the components; each component folder holds a
// config.json and weights (.safetensors or .bin, single or sharded, optionally an fp16 variant).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/log.h"
#include "io/model_files.h"

namespace easel {

namespace fs = std::filesystem;

namespace {
constexpr uintmax_t kMaxJson = 16u << 20;

nlohmann::json read_json(const fs::path& p) {
  std::error_code ec;
  auto sz = fs::file_size(p, ec);
  if (ec) fail("{}: cannot read: {}", p.string(), ec.message());
  if (sz > kMaxJson) fail("{}: {} bytes is too large for a config file", p.string(), sz);
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    auto j = nlohmann::json::parse(ss.str());
    if (!j.is_object()) fail("{}: expected a JSON object", p.string());
    return j;
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not valid JSON: {}", p.string(), e.what());
  }
}

// diffusers' _add_variant: "name.ext" -> "name.<variant>.ext" (for "a.safetensors.index.json"
// the variant goes before "json").
std::string add_variant(const std::string& file, const std::string& variant) {
  if (variant.empty()) return file;
  size_t dot = file.rfind('.');
  return file.substr(0, dot) + "." + variant + file.substr(dot);
}

// The weights file of a component folder for a variant ("" = none), preferring safetensors and
// single files; empty when there is none.
fs::path find_weights(const fs::path& dir, const std::string& variant) {
  static const char* const names[] = {
      "diffusion_pytorch_model.safetensors", "model.safetensors",
      "diffusion_pytorch_model.safetensors.index.json", "model.safetensors.index.json",
      "diffusion_pytorch_model.bin", "pytorch_model.bin",
      "diffusion_pytorch_model.bin.index.json", "pytorch_model.bin.index.json",
  };
  for (const char* n : names) {
    fs::path p = dir / add_variant(n, variant);
    if (fs::is_regular_file(p)) return p;
  }
  return {};
}

// Variants present in a component folder ("fp16", ...), found from file names like
// "diffusion_pytorch_model.fp16.safetensors".
std::vector<std::string> variants_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    for (const char* base : {"diffusion_pytorch_model.", "model.", "pytorch_model."}) {
      if (n.rfind(base, 0) != 0) continue;
      std::string rest = n.substr(std::strlen(base));
      size_t dot = rest.find('.');
      if (dot == std::string::npos || dot == 0) continue;
      std::string v = rest.substr(0, dot);
      if (v == "safetensors" || v == "bin") continue;
      if (v.find('-') != std::string::npos) v = v.substr(0, v.find('-'));  // shard "fp16-00001-of-00002"
      if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool plain_component_name(const std::string& n) {
  if (n.empty() || n[0] == '_') return false;
  for (char c : n)
    if (!(std::isalnum(uint8_t(c)) || c == '_' || c == '-')) return false;
  return true;
}
}  // namespace

bool is_diffusers_folder(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) && fs::is_regular_file(fs::path(path) / "model_index.json", ec);
}

DiffusersFolder load_diffusers(const std::string& dir, const std::string& variant) {
  if (!is_diffusers_folder(dir)) fail("{}: not a diffusers folder (no model_index.json)", dir);
  if (!variant.empty() && !plain_component_name(variant)) fail("{}: bad variant name '{}'", dir, variant);
  DiffusersFolder f;
  f.path = dir;
  f.model_index = read_json(fs::path(dir) / "model_index.json");
  for (auto& [name, spec] : f.model_index.items()) {
    // Entries are [library, class]; [null, null] marks an absent component.
    if (!plain_component_name(name) || !spec.is_array() || spec.size() != 2 || spec[0].is_null()) continue;
    fs::path cdir = fs::path(dir) / name;
    if (!fs::is_directory(cdir)) continue;
    fs::path w = find_weights(cdir, variant);
    if (w.empty() && !variant.empty()) {
      w = find_weights(cdir, "");
      if (!w.empty()) log_warn("{}: no '{}' variant, using the default weights", cdir.string(), variant);
    }
    if (w.empty() && variant.empty()) {
      auto vs = variants_in(cdir);
      for (auto& v : vs)
        if (w.empty()) w = find_weights(cdir, v);
      if (vs.size() > 1 && !w.empty()) log_warn("{}: several variants, using {}", cdir.string(), w.filename().string());
    }
    if (w.empty()) continue;  // scheduler, tokenizer, feature extractor: no weights
    DiffusersComponent c;
    c.name = name;
    c.config = fs::is_regular_file(cdir / "config.json") ? read_json(cdir / "config.json") : nlohmann::json::object();
    c.weights = load_weights(w.string());
    f.components.emplace(name, std::move(c));
  }
  if (f.components.empty()) fail("{}: diffusers folder has no component with weights", dir);
  auto tok = [&](const char* n) {
    fs::path p = fs::path(dir) / n;
    return fs::is_regular_file(p / "vocab.json") && fs::is_regular_file(p / "merges.txt") ? p.string() : std::string();
  };
  f.tokenizer_dir = tok("tokenizer");
  f.tokenizer_2_dir = tok("tokenizer_2");
  return f;
}

}  // namespace easel
