// Sidecar config reading: the LDM yaml A1111 loads next to a checkpoint and easel's JSON form.
#include "pipeline/sidecar_config.h"

#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace easel {
namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string unquote(std::string v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) return v.substr(1, v.size() - 2);
  return v;
}

double to_num(const std::string& path, const std::string& key, const std::string& v) {
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end) fail("{}: '{}' should be a number, got '{}'", path, key, v);
  return x;
}

void read_json_sidecar(const std::string& what, const nlohmann::json& j, SidecarConfig& c) {
  if (!j.is_object()) fail("{}: expected a JSON object", what);
  for (const char* comp : {"unet", "vae", "text_encoder", "text_encoder_2"})
    if (j.contains(comp)) {
      if (!j[comp].is_object()) fail("{}: '{}' should be an object", what, comp);
      c.components[comp] = j[comp];
    }
  if (j.contains("image_size")) {
    const auto& v = j["image_size"];
    if (!v.is_number_integer() || v.get<int64_t>() < 8 || v.get<int64_t>() > 16384)
      fail("{}: 'image_size' should be an integer 8..16384, got {}", what, v.dump());
    c.image_size = v.get<int>();
  }
}

}  // namespace

std::map<std::string, std::string> read_yaml_scalars(const std::string& path) {
  std::ifstream f(path);
  if (!f) fail("{}: cannot read the model config", path);
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(f, line)) {
    bool in_q = false;
    char q = 0;
    for (size_t i = 0; i < line.size(); ++i) {  // strip a comment outside quotes
      char ch = line[i];
      if (in_q) {
        if (ch == q) in_q = false;
      } else if (ch == '"' || ch == '\'') {
        in_q = true, q = ch;
      } else if (ch == '#') {
        line.resize(i);
        break;
      }
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = trim(line.substr(0, colon)), val = trim(line.substr(colon + 1));
    if (key.empty() || val.empty() || key.front() == '-') continue;
    out[key] = unquote(val);
  }
  return out;
}

SidecarConfig read_sidecar_config(const std::string& checkpoint, const std::map<std::string, std::string>& metadata) {
  SidecarConfig c;
  fs::path p(checkpoint);
  if (fs::is_regular_file(p)) {
    fs::path yaml = p.parent_path() / (p.stem().string() + ".yaml");
    if (fs::is_regular_file(yaml)) {
      c.yaml_path = yaml.string();
      auto kv = read_yaml_scalars(c.yaml_path);
      auto get = [&](const char* k) -> const std::string* { auto it = kv.find(k); return it == kv.end() ? nullptr : &it->second; };
      if (auto v = get("num_heads")) c.unet_num_heads = int(to_num(c.yaml_path, "num_heads", *v));
      if (auto v = get("num_head_channels")) c.unet_head_channels = int(to_num(c.yaml_path, "num_head_channels", *v));
      if (auto v = get("scale_factor")) c.scale_factor = to_num(c.yaml_path, "scale_factor", *v);
      if (auto v = get("linear_start")) c.linear_start = to_num(c.yaml_path, "linear_start", *v);
      if (auto v = get("linear_end")) c.linear_end = to_num(c.yaml_path, "linear_end", *v);
      if (auto v = get("timesteps")) c.timesteps = int(to_num(c.yaml_path, "timesteps", *v));
      if (auto v = get("parameterization")) c.v_prediction = *v == "v";
    }
    fs::path js = p.parent_path() / (p.stem().string() + ".hparams.json");
    if (fs::is_regular_file(js)) {
      c.json_path = js.string();
      std::ifstream f(js);
      nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
      if (j.is_discarded()) fail("{}: not valid JSON", c.json_path);
      read_json_sidecar(c.json_path, j, c);
    }
  }
  if (auto it = metadata.find("easel.config"); it != metadata.end()) {
    nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
    if (j.is_discarded()) fail("{}: metadata 'easel.config' is not valid JSON", checkpoint);
    read_json_sidecar(checkpoint + " metadata 'easel.config'", j, c);
  }
  return c;
}

}  // namespace easel
