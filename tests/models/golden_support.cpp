// Oracle model sets, canonical stores and configs for the model golden tests.
#include "golden_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "models/infer_config.h"
#include "naming/canonical_model.h"

namespace easel::test {

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream f(p);
  if (!f) throw std::runtime_error("cannot open " + p.string());
  return nlohmann::json::parse(f);
}

std::vector<GoldenSet> golden_sets() {
  std::vector<GoldenSet> out;
  if (!std::filesystem::is_directory(oracle_dir())) return out;
  for (auto& e : std::filesystem::directory_iterator(oracle_dir())) {
    if (!e.is_directory() || !std::filesystem::is_directory(e.path() / "golden")) continue;
    for (auto& f : std::filesystem::directory_iterator(e.path())) {
      const std::string n = f.path().filename().string();
      const std::string suffix = ".hparams.json";
      if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) {
        GoldenSet s{e.path(), n.substr(0, n.size() - suffix.size()), read_json(f.path())};
        out.push_back(std::move(s));
      }
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.dir < b.dir; });
  return out;
}

std::vector<std::filesystem::path> golden_files(const GoldenSet& s, const std::string& stem) {
  std::vector<std::filesystem::path> out;
  auto sub = std::filesystem::relative(s.dir / "golden", oracle_dir()).string();
  for (auto& p : oracle_files(sub, ".json")) {
    auto n = p.filename().string();
    if (n.rfind(stem, 0) == 0 && std::filesystem::exists(std::filesystem::path(p).replace_extension(".safetensors")))
      out.push_back(p);
  }
  return out;
}

std::vector<LayoutStores> layout_stores(const GoldenSet& s) {
  // Every layout the set ships: the LDM single files (<model>.safetensors, .ckpt) and any
  // diffusers folder, each mapped to canonical names by the naming module.
  std::vector<std::pair<std::string, std::filesystem::path>> found;
  for (auto& e : std::filesystem::directory_iterator(s.dir)) {
    const auto& p = e.path();
    if (e.is_directory() && std::filesystem::exists(p / "model_index.json"))
      found.push_back({"diffusers folder", p});
    else if (e.is_regular_file() && p.stem() == s.model && (p.extension() == ".safetensors" || p.extension() == ".ckpt"))
      found.push_back({"single-file " + p.extension().string().substr(1), p});
  }
  std::sort(found.begin(), found.end());
  std::vector<LayoutStores> out;
  for (auto& [label, path] : found) {
    CanonicalModel m = load_model(path.string());
    out.push_back({label, m.components});
  }
  return out;
}

UNetConfig unet_config(const LayoutStores& l) { return infer_unet_config(l.components.at("unet")); }
VAEConfig vae_config(const LayoutStores& l) { return infer_vae_config(l.components.at("vae")); }

ClipTextConfig clip_config(const GoldenSet& s, const LayoutStores& l) {
  // Head count and activation are not in the shapes; the set's hparams carry them under the
  // transformers config.json keys, for every layout alike.
  return infer_clip_text_config(l.components.at("text_encoder"), s.hparams.at("text_encoder"));
}

std::vector<std::string> golden_backends() { return {"ref", "cpu"}; }

bool check_close(const std::string& tag, const std::string& name, const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape()) {
    ADD_FAILURE() << tag << " " << name << ": shape " << shape_str(got.shape()) << " vs golden "
                  << shape_str(want.shape());
    return false;
  }
  Tensor w = want.to_f32();
  Diff d = compare(got.f32(), w.f32(), size_t(w.numel()));
  const bool ok = d.rel() <= kMaxRel && d.nmse <= kMaxNmse;
  std::printf("[%s] %-28s max_abs %.3g  rel %.3g  nmse %.3g  %s\n", tag.c_str(), name.c_str(), d.max_abs, d.rel(),
              d.nmse, ok ? "ok" : "FAIL");
  std::fflush(stdout);  // keep lines whole next to the log on stderr
  if (!ok)
    ADD_FAILURE() << tag << " " << name << ": max_abs " << d.max_abs << " rel " << d.rel() << " nmse " << d.nmse
                  << " (limits rel " << kMaxRel << ", nmse " << kMaxNmse << ")";
  return ok;
}

}  // namespace easel::test
