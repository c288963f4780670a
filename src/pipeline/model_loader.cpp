// SDModel::load: naming's canonical stores -> family check -> configs (shapes, then the diffusers
// configs or sidecar files for what shapes cannot tell) -> networks on the backend.
#include "pipeline/model_loader.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "core/error.h"
#include "core/log.h"
#include "models/infer_config.h"
#include "models/registry.h"
#include "naming/canonical_model.h"
#include "naming/file_hash.h"
#include "pipeline/model_finder.h"
#include "pipeline/sidecar_config.h"

namespace easel {
namespace fs = std::filesystem;

namespace {

std::string tokenizer_dir_for(const CanonicalModel& m, const ModelLoadOptions& o) {
  auto ok = [](const fs::path& d) { return fs::is_regular_file(d / "vocab.json") && fs::is_regular_file(d / "merges.txt"); };
  if (!o.tokenizer_dir.empty()) {
    if (!ok(o.tokenizer_dir))
      fail("tokenizer folder '{}': expected vocab.json and merges.txt in it", o.tokenizer_dir);
    return o.tokenizer_dir;
  }
  if (!m.tokenizer_dir.empty()) return m.tokenizer_dir;
  // A single file shipped with its own tokenizer/ beside it (the built-in model is laid out so).
  if (std::string d = tokenizer_beside(m.path); !d.empty()) return d;
  if (!o.default_tokenizer_dir.empty() && ok(o.default_tokenizer_dir)) return o.default_tokenizer_dir;
  fail("{}: a single-file checkpoint carries no CLIP tokenizer; pass --tokenizer DIR (a folder with vocab.json "
       "and merges.txt, e.g. a diffusers model's tokenizer/), or put one in a tokenizer/ folder beside it or in <models-dir>/tokenizer/",
       m.path);
}

DiscreteSchedule schedule_for(const SidecarConfig& sc) {
  if (!sc.linear_start && !sc.linear_end && !sc.timesteps) return DiscreteSchedule::sd_default();
  const int n = sc.timesteps.value_or(1000);
  if (n < 2 || n > 100000) fail("{}: timesteps should be 2..100000, got {}", sc.yaml_path, n);
  auto ac = alphas_cumprod_f64(ldm_linear_betas(n, sc.linear_start.value_or(0.00085), sc.linear_end.value_or(0.012)));
  std::vector<float> f(ac.begin(), ac.end());
  return DiscreteSchedule(std::move(f));
}

}  // namespace

SDModel::~SDModel() = default;

std::unique_ptr<SDModel> SDModel::load(const std::string& path, const ModelLoadOptions& opts) {
  if (!fs::exists(path)) fail("model '{}' not found", path);
  CanonicalModel m = load_model(path);
  const FamilyInfo& fam = detect_family(m);
  if (fam.id != Family::SD1 && fam.id != Family::SD2)
    fail("{}: a {} model; txt2img/img2img support SD 1.x and SD 2.x checkpoints", path, fam.name);
  for (const char* c : {"unet", "vae", "text_encoder"})
    if (!m.has(c)) fail("{}: the checkpoint has no {} weights", path, c);

  std::unique_ptr<SDModel> s(new SDModel());
  s->path_ = path;
  s->family_ = fam.key;
  fs::path p(path);
  s->name_ = fs::is_directory(p) ? fs::path(path).lexically_normal().filename().string() : p.stem().string();
  if (s->name_.empty()) s->name_ = fs::path(path).lexically_normal().parent_path().filename().string();
  if (opts.hash && fs::is_regular_file(p)) {
    FileHashes h = file_hashes(path);
    s->autov2_ = h.autov2();
    s->legacy_ = h.legacy;
  }
  SidecarConfig sc = read_sidecar_config(path, m.metadata);
  s->native_size_ = sc.image_size.value_or(0);

  s->unet_cfg_ = infer_unet_config(m.at("unet"));
  if (auto h = sc.components.find("unet"); h != sc.components.end() && h->second.contains("num_heads"))
    s->unet_cfg_.num_heads = h->second["num_heads"].get<int>(), s->unet_cfg_.head_dim = -1;
  if (sc.unet_head_channels && *sc.unet_head_channels > 0) {
    s->unet_cfg_.head_dim = *sc.unet_head_channels;
  } else if (sc.unet_num_heads && *sc.unet_num_heads > 0) {
    s->unet_cfg_.num_heads = *sc.unet_num_heads;
    s->unet_cfg_.head_dim = -1;
  }
  s->unet_cfg_.prediction_v = std::string(fam.prediction) == "v" || m.flags.count("v_pred") != 0;
  if (sc.v_prediction) s->unet_cfg_.prediction_v = *sc.v_prediction;

  s->vae_cfg_ = infer_vae_config(m.at("vae"));
  s->vae_cfg_.scaling_factor = fam.vae_scaling;
  if (auto c = m.configs.find("vae"); c != m.configs.end() && c->second.contains("scaling_factor"))
    s->vae_cfg_.scaling_factor = c->second["scaling_factor"].get<float>();
  if (auto h = sc.components.find("vae"); h != sc.components.end() && h->second.contains("scaling_factor"))
    s->vae_cfg_.scaling_factor = h->second["scaling_factor"].get<float>();
  if (sc.scale_factor) s->vae_cfg_.scaling_factor = float(*sc.scale_factor);

  nlohmann::json te_hints;
  if (auto c = m.configs.find("text_encoder"); c != m.configs.end()) te_hints = c->second;
  else if (auto h = sc.components.find("text_encoder"); h != sc.components.end()) te_hints = h->second;
  try {
    s->clip_cfg_ = infer_clip_text_config(m.at("text_encoder"), te_hints);
  } catch (const Error& e) {
    fail("{} (A1111 reads such settings from '{}.yaml' next to the checkpoint; easel also reads "
         "'{}.hparams.json' with a \"text_encoder\" object in Hugging Face config keys)",
         e.what(), p.stem().string(), p.stem().string());
  }
  s->schedule_ = std::make_unique<DiscreteSchedule>(schedule_for(sc));
  const std::string tok_dir = tokenizer_dir_for(m, opts);
  s->tokenizer_ = text::Tokenizer::load(tok_dir);
  // A vocabulary larger than the text encoder's embedding belongs to another model (CLIP's 49408
  // tokens given to the built-in model's 664-row embedding): every prompt would fail on an id out
  // of range, so say it once, here, with both sizes.
  if (int64_t(s->tokenizer_->vocab_size()) > s->clip_cfg_.vocab_size)
    fail("{}: tokenizer '{}' has {} tokens but the text encoder's embedding has {} rows: that tokenizer belongs "
         "to another model (pass the model's own with --tokenizer, or none to use the one beside it)",
         path, tok_dir, s->tokenizer_->vocab_size(), s->clip_cfg_.vocab_size);

  s->backend_ = make_backend(opts.backend);
  s->clip_ = std::make_unique<ClipTextEncoder>(*s->backend_, m.at("text_encoder"), s->clip_cfg_);
  s->unet_ = std::make_unique<UNet>(*s->backend_, m.at("unet"), s->unet_cfg_);
  s->decoder_ = std::make_unique<VaeDecoder>(*s->backend_, m.at("vae"), s->vae_cfg_);
  if (m.at("vae").has("encoder.conv_in.weight"))
    s->encoder_ = std::make_unique<VaeEncoder>(*s->backend_, m.at("vae"), s->vae_cfg_);
  log_debug("loaded {} ({}): unet heads {}, clip heads {}, vae scale {}{}{}", path, fam.name, s->unet_cfg_.num_heads,
            s->clip_cfg_.heads, s->vae_cfg_.scaling_factor, sc.yaml_path.empty() ? "" : ", config " + sc.yaml_path,
            sc.json_path.empty() ? "" : ", " + sc.json_path);
  return s;
}

Tensor SDModel::encode_text(std::span<const int32_t> ids, int batch, int clip_skip) {
  return clip_->encode(ids, batch, clip_skip, true);
}

Tensor SDModel::unet(const Tensor& x, std::span<const float> t, const Tensor& context) {
  return unet_->forward(x, t, context);
}

Tensor SDModel::decode(const Tensor& latent) {
  // LDM decode_first_stage: z = 1. / scale_factor * z (float32 reciprocal, then multiply).
  // The factor is a decimal in the model's config; recover that double from its float before
  // taking the reciprocal, as Python computes 1. / 0.18215 in double.
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, vae_cfg_.scaling_factor);
  const float inv = float(1.0 / std::strtod(std::string(buf, r.ptr).c_str(), nullptr));
  Tensor z = latent.clone();
  for (float& v : z.span_f32()) v = inv * v;
  return decoder_->decode(z);
}

VaeLatentDist SDModel::encode(const Tensor& image) {
  if (!encoder_) fail("{}: the VAE has no encoder weights (img2img needs them)", path_);
  return encoder_->encode(image);
}

}  // namespace easel
