// Sharded weights: a *.index.json whose "weight_map" gives each tensor's shard file. Every shard
// must hold exactly the tensors the map assigns it, so a missing or stray tensor is an error.
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/error.h"
#include "io/model_files.h"
#include "io/safetensors.h"

namespace easel {

namespace {
constexpr uintmax_t kMaxIndex = 64u << 20;

void check_shard_name(const std::string& s, const std::string& path) {
  if (s.empty() || s == "." || s == ".." || s.find('/') != std::string::npos || s.find('\\') != std::string::npos ||
      s.find('\0') != std::string::npos)
    fail("{}: shard name '{}' must be a plain file name in the index's folder", path, s);
}
}  // namespace

TensorStore load_sharded_index(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto sz = fs::file_size(path, ec);
  if (ec) fail("{}: cannot read: {}", path, ec.message());
  if (sz > kMaxIndex) fail("{}: index is {} bytes (limit {})", path, sz, kMaxIndex);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json idx;
  try {
    idx = nlohmann::json::parse(ss.str());
  } catch (const std::exception& e) {
    fail("{}: index is not valid JSON: {}", path, e.what());
  }
  if (!idx.is_object() || !idx.contains("weight_map") || !idx["weight_map"].is_object())
    fail("{}: index has no \"weight_map\" object", path);

  std::map<std::string, std::set<std::string>> by_shard;
  for (auto& [name, shard] : idx["weight_map"].items()) {
    if (!shard.is_string()) fail("{}: weight_map['{}'] must be a file name string", path, name);
    check_shard_name(shard.get<std::string>(), path);
    by_shard[shard.get<std::string>()].insert(name);
  }
  if (by_shard.empty()) fail("{}: weight_map is empty", path);

  TensorStore out;
  out.path = path;
  const fs::path dir = fs::path(path).parent_path();
  for (auto& [shard, names] : by_shard) {
    const std::string sp = (dir / shard).string();
    if (!fs::is_regular_file(sp)) fail("{}: shard '{}' listed in the index does not exist", path, shard);
    TensorStore s = load_weights_file(sp);
    if (out.format.empty()) out.format = s.format;
    for (auto& n : names)
      if (!s.has(n)) fail("{}: tensor '{}' should be in shard '{}' but is not", path, n, shard);
    for (auto& [n, t] : s.tensors) {
      if (!names.count(n)) fail("{}: shard '{}' holds tensor '{}' that the index does not assign to it", path, shard, n);
      out.tensors.emplace(n, t);
    }
    for (auto& [k, v] : s.metadata) out.metadata.emplace(k, v);
  }
  if (idx.contains("metadata") && idx["metadata"].is_object())
    for (auto& [k, v] : idx["metadata"].items()) out.metadata[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}

}  // namespace easel
