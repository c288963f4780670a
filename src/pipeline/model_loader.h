// An SD checkpoint ready to generate with: canonical weights (naming), family and hyper-parameters
// (models/registry + infer_config + sidecar files), the three networks built once on a backend,
// the tokenizer, the noise table, and the identity A1111 writes into infotexts (name, hashes).
#pragma once
#include <memory>
#include <span>
#include <string>

#include "backend/backend.h"
#include "models/clip/clip_text.h"
#include "models/configs.h"
#include "models/unet/unet.h"
#include "models/vae/vae.h"
#include "sampling/schedule/discrete_schedule.h"
#include "text/tokenizer.h"

namespace easel {

struct ModelLoadOptions {
  std::string backend = "cpu";
  std::string tokenizer_dir;          // explicit: wins over a diffusers folder's own tokenizer/
  std::string default_tokenizer_dir;  // used when the model carries none (single files)
  bool hash = true;           // compute AutoV2 / legacy hashes (cached) for the infotext
};

class SDModel {
 public:
  // Loads a checkpoint file (.safetensors/.ckpt) or a diffusers folder. Fails with one message
  // naming the file and what is missing (unsupported family, no tokenizer, unknown head count).
  static std::unique_ptr<SDModel> load(const std::string& path, const ModelLoadOptions& opts = {});
  ~SDModel();

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }          // A1111 "Model": file stem
  const std::string& hash_autov2() const { return autov2_; }  // A1111 "Model hash" ("" for folders)
  const std::string& hash_legacy() const { return legacy_; }
  const std::string& family() const { return family_; }      // registry key, e.g. "sd1"
  const UNetConfig& unet_config() const { return unet_cfg_; }
  const VAEConfig& vae_config() const { return vae_cfg_; }
  const ClipTextConfig& clip_config() const { return clip_cfg_; }
  const DiscreteSchedule& schedule() const { return *schedule_; }
  const text::Tokenizer& tokenizer() const { return *tokenizer_; }
  bool v_prediction() const { return unet_cfg_.prediction_v; }
  int latent_channels() const { return vae_cfg_.embed_dim; }
  int latent_factor() const { return 1 << (int(vae_cfg_.ch_mult.size()) - 1); }
  // Image sides must be multiples of this: the VAE factor times the UNet's downsampling.
  int size_multiple() const { return latent_factor() << (int(unet_cfg_.channel_mult.size()) - 1); }

  // ids: batch x 77 token ids -> [batch, 77, hidden] (A1111 CLIP skip semantics).
  Tensor encode_text(std::span<const int32_t> ids, int batch, int clip_skip);
  // Network output (eps or v) for a batch: x [B,C,h,w], one timestep per row, context [B,L,D].
  Tensor unet(const Tensor& x, std::span<const float> t, const Tensor& context);
  // Latent in sampler space -> image [B,3,H,W] in ~[-1,1]: A1111 multiplies by 1/scale_factor.
  Tensor decode(const Tensor& latent);
  // Image [B,3,H,W] in [-1,1] -> the encoder's Gaussian (unscaled).
  VaeLatentDist encode(const Tensor& image);
  float scale_factor() const { return vae_cfg_.scaling_factor; }
  // The side the model was trained at when its config says so (the built-in model: 128), else 0.
  int native_size() const { return native_size_; }

 private:
  SDModel() = default;
  std::string path_, name_, autov2_, legacy_, family_;
  int native_size_ = 0;
  UNetConfig unet_cfg_;
  VAEConfig vae_cfg_;
  ClipTextConfig clip_cfg_;
  std::unique_ptr<DiscreteSchedule> schedule_;
  std::shared_ptr<const text::Tokenizer> tokenizer_;
  std::unique_ptr<Backend> backend_;  // declared before the networks: they hold a reference to it
  std::unique_ptr<ClipTextEncoder> clip_;
  std::unique_ptr<UNet> unet_;
  std::unique_ptr<VaeDecoder> decoder_;
  std::unique_ptr<VaeEncoder> encoder_;
};

}  // namespace easel
