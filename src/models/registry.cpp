// The family table and its matcher. Adding a family = adding a row (and its test case).
#include "models/registry.h"

#include <array>

namespace easel {

namespace {

constexpr const char* kSd2Note =
    "SD 2.x 768-v checkpoints predict v, 512-base ones eps; the shapes are identical, so a v model needs a "
    "v_pred marker, its yaml, or the prediction set explicitly";

// clang-format off
constexpr FamilyInfo kFamilies[] = {
  // id                     key             name                       primary      in  adm   lin  pred   size  vae scale  note
  {Family::SDXLInpaint,     "sdxl-inpaint", "SDXL inpainting",         "unet",      9, 2816,  -1, "eps", 1024, 0.13025f, ""},
  {Family::SDXL,            "sdxl",         "SDXL",                    "unet",      4, 2816,  -1, "eps", 1024, 0.13025f, ""},
  {Family::SDXLRefiner,     "sdxl-refiner", "SDXL refiner",            "unet",      4, 2560,  -1, "eps", 1024, 0.13025f, "img2img only; conditions on the OpenCLIP bigG encoder alone"},
  {Family::SD2Inpaint,      "sd2-inpaint",  "SD 2.x inpainting",       "unet",      9,    0,   1, "eps",  512, 0.18215f, ""},
  {Family::SD2Depth,        "sd2-depth",    "SD 2.x depth",            "unet",      5,    0,   1, "eps",  512, 0.18215f, "needs a depth map as the fifth input channel"},
  {Family::SD2,             "sd2",          "SD 2.x",                  "unet",      4,    0,   1, "eps",  768, 0.18215f, kSd2Note},
  {Family::SD1Inpaint,      "sd1-inpaint",  "SD 1.x inpainting",       "unet",      9,    0,   0, "eps",  512, 0.18215f, ""},
  {Family::SD1Pix2Pix,      "sd1-pix2pix",  "SD 1.x instruct-pix2pix", "unet",      8,    0,   0, "eps",  512, 0.18215f, "image conditioning concatenated to the latent"},
  {Family::SD1,             "sd1",          "SD 1.x",                  "unet",      4,    0,   0, "eps",  512, 0.18215f, ""},
  {Family::VAE,             "vae",          "VAE",                     "vae",      -1,   -1,  -1, "",       0, 0.18215f, "standalone VAE (SD 1.x/2.x and SDXL VAEs share the architecture)"},
  {Family::LoRA,            "lora",         "LoRA",                    "lora",     -1,   -1,  -1, "",       0, 0.f,      ""},
  {Family::TextualInversion,"embedding",    "Textual inversion",       "embedding",-1,   -1,  -1, "",       0, 0.f,      ""},
  {Family::Unknown,         "unknown",      "unknown",                 "",         -1,   -1,  -1, "",       0, 0.18215f, "no family matches these shapes"},
};
// clang-format on

bool fits(int want, int have) { return want < 0 || want == have; }

}  // namespace

std::span<const FamilyInfo> families() { return kFamilies; }

const FamilyInfo& family_info(Family f) {
  for (auto& r : kFamilies)
    if (r.id == f) return r;
  return kFamilies[std::size(kFamilies) - 1];
}

FamilyFeatures family_features(const CanonicalModel& m) {
  FamilyFeatures f;
  for (const char* c : {"unet", "vae", "lora", "embedding"})
    if (m.has(c)) {
      f.primary = c;
      break;
    }
  if (f.primary != "unet") return f;
  const TensorStore& u = m.at("unet");
  if (auto it = u.tensors.find("input_blocks.0.0.weight"); it != u.tensors.end() && it->second.ndim() == 4)
    f.in_channels = int(it->second.dim(1));
  if (auto it = u.tensors.find("label_emb.0.0.weight"); it != u.tensors.end() && it->second.ndim() == 2)
    f.adm_in_channels = int(it->second.dim(1));
  // Any transformer tells the projection kind and the context width; names are sorted, so this
  // is the same block whatever the file.
  for (auto& [name, t] : u.tensors) {
    auto ends = [&](std::string_view s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
    if (f.linear_proj < 0 && ends(".proj_in.weight")) f.linear_proj = t.ndim() == 2 ? 1 : 0;
    if (f.context_dim < 0 && ends(".attn2.to_k.weight") && t.ndim() == 2) f.context_dim = int(t.dim(1));
  }
  return f;
}

const FamilyInfo& detect_family(const CanonicalModel& m) {
  FamilyFeatures f = family_features(m);
  for (auto& r : kFamilies) {
    if (r.id == Family::Unknown) break;
    if (f.primary != r.primary) continue;
    if (fits(r.in_channels, f.in_channels) && fits(r.adm_in_channels, f.adm_in_channels) &&
        fits(r.linear_proj, f.linear_proj))
      return r;
  }
  return family_info(Family::Unknown);
}

}  // namespace easel
