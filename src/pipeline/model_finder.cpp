// Model lookup in an A1111-style models folder and output file numbering.
#include "pipeline/model_finder.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.h"
#include "naming/file_hash.h"

namespace easel {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_hex(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string default_models_dir() {
  if (const char* e = std::getenv("EASEL_MODELS_DIR"); e && *e) return e;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "models";
  return (exe.parent_path() / ".." / "models").lexically_normal().string();
}

std::string builtin_model_path(const std::string& models_dir) {
  const char* file = "easel-shapes/easel-shapes.safetensors";
  std::vector<fs::path> cands;
  if (const char* e = std::getenv("EASEL_BUILTIN_MODEL"); e && *e) {
    // An explicit choice is not second-guessed: a wrong path is an error, not a fallback.
    if (!fs::exists(e)) fail("$EASEL_BUILTIN_MODEL: '{}' does not exist", e);
    return e;
  }
  if (!models_dir.empty()) cands.push_back(fs::path(models_dir) / file);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    cands.push_back(exe.parent_path() / ".." / "models" / file);
    cands.push_back(exe.parent_path() / ".." / "share" / "easel" / "models" / file);
  }
  for (auto& c : cands)
    if (fs::is_regular_file(c, ec)) return c.lexically_normal().string();
  return {};
}

std::string tokenizer_beside(const std::string& checkpoint) {
  std::error_code ec;
  fs::path p(checkpoint);
  fs::path d = fs::is_directory(p, ec) ? p / "tokenizer" : p.parent_path() / "tokenizer";
  if (fs::is_regular_file(d / "vocab.json", ec) && fs::is_regular_file(d / "merges.txt", ec)) return d.string();
  return {};
}

std::vector<std::string> list_checkpoints(const std::string& models_dir) {
  std::vector<std::string> out;
  fs::path root = fs::path(models_dir) / "Stable-diffusion";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    if (it->is_directory() && fs::exists(p / "model_index.json")) {
      out.push_back(p.string());
      it.disable_recursion_pending();
    } else if (it->is_regular_file()) {
      const std::string ext = lower(p.extension().string());
      if (ext == ".safetensors" || ext == ".ckpt" || ext == ".pt" || ext == ".bin") out.push_back(p.string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string find_checkpoint(const std::string& spec_in, const std::string& models_dir) {
  if (spec_in.empty()) fail("model: no checkpoint given (-m PATH, NAME or HASH)");
  std::error_code ec;
  if (fs::exists(spec_in, ec)) return spec_in;
  std::string spec = spec_in;
  std::string hash;
  // A1111 titles: "name.safetensors [6ce0161689]".
  if (auto b = spec.rfind(" ["); b != std::string::npos && spec.back() == ']') {
    hash = lower(spec.substr(b + 2, spec.size() - b - 3));
    spec = spec.substr(0, b);
  }
  const auto all = list_checkpoints(models_dir);
  const fs::path root = fs::path(models_dir) / "Stable-diffusion";
  for (const auto& c : all) {
    fs::path p(c);
    const std::string rel = fs::relative(p, root, ec).string();
    if (spec == rel || spec == p.filename().string() || spec == p.stem().string() ||
        spec == fs::path(rel).replace_extension().string())
      return c;
  }
  if (hash.empty() && is_hex(spec) && (spec.size() == 8 || spec.size() == 10 || spec.size() == 64)) hash = lower(spec);
  if (!hash.empty()) {
    for (const auto& c : all) {
      if (!fs::is_regular_file(c)) continue;
      FileHashes h = file_hashes(c);
      if ((hash.size() == 8 && h.legacy == hash) || (hash.size() >= 10 && h.sha256.rfind(hash, 0) == 0)) return c;
    }
  }
  std::string names;
  for (size_t i = 0; i < all.size() && i < 20; ++i) names += (i ? ", " : "") + fs::path(all[i]).filename().string();
  fail("model '{}' not found: not an existing path, and no checkpoint with that name or hash in {}{}", spec_in,
       root.string(), all.empty() ? " (no checkpoints there)" : " (found: " + names + ")");
}

int next_image_number(const std::string& dir) {
  int best = -1;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    // webui: int(splitext(name)[0].split('-')[0]) where that parses
    const std::string n = e.path().stem().string();
    const std::string head = n.substr(0, n.find('-'));
    if (head.empty() || head.size() > 9 ||
        !std::all_of(head.begin(), head.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      continue;
    best = std::max(best, std::atoi(head.c_str()));
  }
  return best + 1;
}

std::string image_file_name(int number, int64_t seed, const std::string& ext) {
  return fmt::format("{:05}-{}.{}", number, seed, ext);
}

}  // namespace easel
