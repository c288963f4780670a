// `easel info PATH [--json]`: what a model file or diffusers folder is — format, name layout,
// family, components (parameters, dtypes), inferred configuration, metadata, tensor accounting
// and the A1111/Civitai hashes (SHA-256, AutoV2, legacy; cached by path + size + mtime).
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "core/error.h"
#include "models/infer_config.h"
#include "models/registry.h"
#include "naming/canonical_model.h"
#include "naming/file_hash.h"

namespace {

using namespace easel;
using nlohmann::json;

constexpr const char* kUsage =
    "usage: easel info PATH [--json] [--lenient] [--no-hash] [--no-cache]\n"
    "\n"
    "Describes a model: a .safetensors / .ckpt / .pt / .bin file, a sharded *.safetensors.index.json,\n"
    "or a diffusers folder. Nothing in the file is executed.\n"
    "\n"
    "  --json      machine-readable output\n"
    "  --lenient   report tensors no table explains instead of failing\n"
    "  --no-hash   skip the SHA-256 / AutoV2 / legacy hashes\n"
    "  --no-cache  hash the file even if the hash cache has it (and do not update the cache)\n";

// "F16", or "F16+F32" (most frequent first) when a component mixes float types.
std::string dtype_summary(const TensorStore& s) {
  std::map<std::string, size_t> count;
  for (auto& [_, t] : s.tensors)
    if (dtype_is_float(t.dtype())) ++count[std::string(dtype_name(t.dtype()))];
  std::vector<std::pair<size_t, std::string>> v;
  for (auto& [k, n] : count) v.push_back({n, k});
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::string out;
  for (auto& [n, k] : v) out += (out.empty() ? "" : "+") + k;
  return out.empty() ? "none" : out;
}

std::string grouped(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

// Inferred configuration per component; a component whose shapes do not determine it gets
// {"error": ...} instead of failing the whole report.
json infer_configs(const CanonicalModel& m, const FamilyInfo& fam) {
  json out = json::object();
  auto guard = [&](const std::string& comp, auto fn) {
    if (!m.has(comp)) return;
    try {
      out[comp] = fn(m.at(comp));
    } catch (const Error& e) {
      out[comp] = {{"error", e.what()}};
    }
  };
  guard("unet", [&](const TensorStore& s) {
    UNetConfig c = infer_unet_config(s);
    c.prediction_v = m.flags.count("v_pred") || std::string(fam.prediction) == "v";
    json j = to_json(c);
    j["prediction"] = c.prediction_v ? "v" : "eps";
    return j;
  });
  guard("vae", [&](const TensorStore& s) {
    VAEConfig c = infer_vae_config(s);
    if (fam.vae_scaling > 0) c.scaling_factor = fam.vae_scaling;
    return to_json(c);
  });
  for (const char* te : {"text_encoder", "text_encoder_2"}) {
    auto it = m.configs.find(te);
    json hints = it != m.configs.end() ? it->second : json();
    guard(te, [&](const TensorStore& s) { return to_json(infer_clip_text_config(s, hints)); });
  }
  return out;
}

json describe(const std::string& path, const LoadOptions& opts, bool hash, bool use_cache) {
  CanonicalModel m = load_model(path, opts);
  const FamilyInfo& fam = detect_family(m);
  json j;
  j["path"] = path;
  j["format"] = m.format;
  j["layout"] = m.layout;
  j["family"] = fam.name;
  j["family_key"] = fam.key;
  if (*fam.note) j["family_note"] = fam.note;
  j["components"] = json::object();
  int64_t total = 0;
  for (auto& [name, s] : m.components) {
    int64_t p = count_params(s);
    total += p;
    j["components"][name] = {{"params", p}, {"dtype", dtype_summary(s)}, {"tensors", s.tensors.size()}};
  }
  j["params"] = total;
  j["config"] = infer_configs(m, fam);
  j["metadata"] = m.metadata;
  j["flags"] = m.flags;
  if (!m.tokenizer_dir.empty()) j["tokenizer"] = m.tokenizer_dir;
  if (!m.tokenizer_2_dir.empty()) j["tokenizer_2"] = m.tokenizer_2_dir;
  auto& a = m.accounting;
  j["accounting"] = {{"tensors", a.total},
                     {"mapped", a.mapped},
                     {"ignored", a.ignored},
                     {"ignored_by_reason", a.ignored_by_reason},
                     {"unexplained", a.unexplained}};
  // A folder has no single file to hash (A1111 hashes checkpoint files only).
  j["sha256"] = nullptr;
  j["autov2"] = nullptr;
  j["legacy_hash"] = nullptr;
  if (hash && std::filesystem::is_regular_file(path)) {
    FileHashes h = file_hashes(path, use_cache);
    j["sha256"] = h.sha256;
    j["autov2"] = h.autov2();
    j["legacy_hash"] = h.legacy;
    j["hash_cached"] = h.cached;
    j["size_bytes"] = std::filesystem::file_size(path);
  }
  return j;
}

void print_text(const json& j) {
  std::printf("path:     %s\n", j["path"].get<std::string>().c_str());
  std::printf("format:   %s (%s names)\n", j["format"].get<std::string>().c_str(), j["layout"].get<std::string>().c_str());
  std::printf("family:   %s\n", j["family"].get<std::string>().c_str());
  if (j.contains("family_note")) std::printf("          note: %s\n", j["family_note"].get<std::string>().c_str());
  if (!j["sha256"].is_null())
    std::printf("hashes:   AutoV2 %s  legacy %s  sha256 %s\n", j["autov2"].get<std::string>().c_str(),
                j["legacy_hash"].get<std::string>().c_str(), j["sha256"].get<std::string>().c_str());
  std::printf("components:\n");
  for (auto& [name, c] : j["components"].items())
    std::printf("  %-15s %15s params  %-8s %6zu tensors\n", name.c_str(), grouped(c["params"].get<int64_t>()).c_str(),
                c["dtype"].get<std::string>().c_str(), c["tensors"].get<size_t>());
  std::printf("  %-15s %15s params\n", "total", grouped(j["params"].get<int64_t>()).c_str());
  if (!j["config"].empty()) {
    std::printf("config:\n");
    for (auto& [name, c] : j["config"].items()) std::printf("  %-15s %s\n", name.c_str(), c.dump().c_str());
  }
  auto& a = j["accounting"];
  std::printf("tensors:  %zu in the file: %zu mapped, %zu ignored, %zu unexplained\n", a["tensors"].get<size_t>(),
              a["mapped"].get<size_t>(), a["ignored"].get<size_t>(), a["unexplained"].size());
  for (auto& [why, n] : a["ignored_by_reason"].items())
    std::printf("          ignored %zu: %s\n", n.get<size_t>(), why.c_str());
  for (auto& n : a["unexplained"]) std::printf("          unexplained: %s\n", n.get<std::string>().c_str());
  if (!j["flags"].empty()) std::printf("flags:    %s\n", j["flags"].dump().c_str());
  if (!j["metadata"].empty()) {
    std::printf("metadata:\n");
    for (auto& [k, v] : j["metadata"].items()) {
      std::string s = v.get<std::string>();
      if (s.size() > 200) s = s.substr(0, 200) + fmt::format("... ({} chars)", s.size());
      std::printf("  %s: %s\n", k.c_str(), s.c_str());
    }
  }
}

int run_info(const std::vector<std::string>& args) {
  bool as_json = false, hash = true, use_cache = true;
  LoadOptions opts;
  std::string path;
  for (auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return 0;
    } else if (a == "--json") {
      as_json = true;
    } else if (a == "--lenient") {
      opts.lenient = true;
    } else if (a == "--no-hash") {
      hash = false;
    } else if (a == "--no-cache") {
      use_cache = false;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "easel info: unknown option '%s'\n%s", a.c_str(), kUsage);
      return 2;
    } else if (path.empty()) {
      path = a;
    } else {
      std::fprintf(stderr, "easel info: one PATH expected, got '%s' and '%s'\n", path.c_str(), a.c_str());
      return 2;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "easel info: missing PATH\n%s", kUsage);
    return 2;
  }
  if (!std::filesystem::exists(path)) fail("{}: no such file or folder", path);
  json j = describe(path, opts, hash, use_cache);
  if (as_json)
    std::printf("%s\n", j.dump(1).c_str());
  else
    print_text(j);
  return 0;
}

}  // namespace

EASEL_COMMAND("info", "describe a model file or folder: family, components, config, hashes", run_info);
