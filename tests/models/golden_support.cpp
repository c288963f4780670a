// Oracle model sets, canonical stores and configs for the model golden tests.
#include "golden_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

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

UNetConfig unet_config(const GoldenSet& s) {
  const auto& h = s.hparams.at("unet");
  UNetConfig c;
  c.model_channels = h.at("model_channels");
  c.channel_mult = h.at("channel_mult").get<std::vector<int>>();
  c.num_res_blocks = h.at("num_res_blocks");
  // attention_resolutions are downsampling factors: level l has factor 2^l.
  c.attention_levels.clear();
  const auto res = h.at("attention_resolutions").get<std::vector<int>>();
  for (int l = 0; l < int(c.channel_mult.size()); ++l)
    if (std::find(res.begin(), res.end(), 1 << l) != res.end()) c.attention_levels.push_back(l);
  const int depth = h.at("transformer_depth");
  c.transformer_depth.assign(c.channel_mult.size(), 0);
  for (int l : c.attention_levels) c.transformer_depth[l] = depth;
  c.transformer_depth_middle = depth;
  c.num_heads = h.at("num_heads");
  c.head_dim = -1;
  c.context_dim = h.at("context_dim");
  c.linear_projection = h.at("use_linear_in_transformer");
  c.time_embed_dim = h.at("time_embed_dim");
  c.norm_groups = h.at("norm_num_groups");
  c.norm_eps = h.at("norm_eps");
  c.transformer_norm_eps = h.at("spatial_transformer_groupnorm_eps");
  c.layer_norm_eps = h.at("layer_norm_eps");
  return c;
}

VAEConfig vae_config(const GoldenSet& s) {
  const auto& h = s.hparams.at("vae");
  VAEConfig c;
  c.ch = h.at("ch");
  c.ch_mult = h.at("ch_mult").get<std::vector<int>>();
  c.num_res_blocks = h.at("num_res_blocks");
  c.z_channels = h.at("z_channels");
  c.embed_dim = h.at("embed_dim");
  c.norm_groups = h.at("norm_num_groups");
  c.eps = h.at("norm_eps");
  c.scaling_factor = h.at("scaling_factor");
  return c;
}

ClipTextConfig clip_config(const GoldenSet& s) {
  const auto& h = s.hparams.at("text_encoder");
  ClipTextConfig c;
  c.hidden = h.at("hidden_size");
  c.layers = h.at("num_hidden_layers");
  c.heads = h.at("num_attention_heads");
  c.intermediate = h.at("intermediate_size");
  c.act = h.at("hidden_act");
  c.eps = h.at("layer_norm_eps");
  c.vocab_size = h.at("vocab_size");
  c.max_positions = h.at("max_position_embeddings");
  return c;
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
