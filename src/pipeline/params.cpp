// GenerationParams validation and infotext conversion.
#include "pipeline/params.h"

#include <charconv>
#include <cmath>

#include "core/error.h"

namespace easel {

void validate(const GenerationParams& p) {
  if (p.steps < 1 || p.steps > 10000) fail("steps: expected 1..10000, got {}", p.steps);
  if (p.width < 8 || p.width > 16384 || p.width % 8) fail("width: expected a multiple of 8 in 8..16384, got {}", p.width);
  if (p.height < 8 || p.height > 16384 || p.height % 8) fail("height: expected a multiple of 8 in 8..16384, got {}", p.height);
  if (!std::isfinite(p.cfg_scale) || p.cfg_scale < 0 || p.cfg_scale > 100) fail("cfg scale: expected 0..100, got {}", p.cfg_scale);
  if (p.batch_count < 1 || p.batch_count > 10000) fail("batch count: expected 1..10000, got {}", p.batch_count);
  if (p.batch_size < 1 || p.batch_size > 64) fail("batch size: expected 1..64, got {}", p.batch_size);
  if (p.clip_skip < 1 || p.clip_skip > 12) fail("clip skip: expected 1..12, got {}", p.clip_skip);
  if (p.rng != "GPU" && p.rng != "CPU" && p.rng != "NV") fail("rng: expected GPU, CPU or NV, got '{}'", p.rng);
  if (p.subseed_strength < 0 || p.subseed_strength > 1) fail("subseed strength: expected 0..1, got {}", p.subseed_strength);
  if (p.eta && (!std::isfinite(*p.eta) || *p.eta < 0)) fail("eta: expected >= 0, got {}", *p.eta);
  if (p.is_img2img() && (p.denoising_strength < 0 || p.denoising_strength > 1))
    fail("denoising strength: expected 0..1, got {}", p.denoising_strength);
  if (p.resize_mode < 0 || p.resize_mode > 3) fail("resize mode: expected 0..3, got {}", p.resize_mode);
}

std::string make_infotext(const GenerationParams& p, int64_t seed, int64_t subseed, const std::string& schedule_label,
                          const std::string& version) {
  auto opt = [](bool on, std::string v) { return on ? v : std::string(); };
  InfotextFields f = {
      {"Steps", std::to_string(p.steps)},
      {"Sampler", p.sampler},
      {"Schedule type", schedule_label},
      {"CFG scale", py_float(p.cfg_scale)},
      {"Seed", std::to_string(seed)},
      {"Size", std::to_string(p.width) + "x" + std::to_string(p.height)},
      {"Model hash", p.model_hash},
      {"Model", p.model_name},
      {"Variation seed", opt(p.subseed_strength != 0, std::to_string(subseed))},
      {"Variation seed strength", opt(p.subseed_strength != 0, py_float(p.subseed_strength))},
      {"Seed resize from", opt(p.seed_resize_from_w > 0 && p.seed_resize_from_h > 0,
                               std::to_string(p.seed_resize_from_w) + "x" + std::to_string(p.seed_resize_from_h))},
      {"Denoising strength", opt(p.is_img2img(), py_float(p.denoising_strength))},
      {"Clip skip", opt(p.clip_skip > 1, std::to_string(p.clip_skip))},
      {"ENSD", opt(p.ensd != 0, std::to_string(p.ensd))},
      {"RNG", opt(p.rng != "GPU", p.rng)},
  };
  if (p.eta) f.emplace_back("Eta", py_float(*p.eta));
  for (auto& kv : p.extra) f.push_back(kv);
  f.emplace_back("Version", version);
  return format_infotext(p.prompt, p.negative_prompt, f);
}

namespace {
int64_t to_int(const std::string& key, const std::string& v) {
  int64_t x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) fail("infotext field '{}': expected an integer, got '{}'", key, v);
  return x;
}
double to_double(const std::string& key, const std::string& v) {
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end) fail("infotext field '{}': expected a number, got '{}'", key, v);
  return x;
}
void size_pair(const std::string& key, const std::string& v, int& w, int& h) {
  auto x = v.find('x');
  if (x == std::string::npos) fail("infotext field '{}': expected WxH, got '{}'", key, v);
  w = int(to_int(key, v.substr(0, x)));
  h = int(to_int(key, v.substr(x + 1)));
}
}  // namespace

GenerationParams params_from_infotext(const std::string& text) {
  ParsedInfotext t = parse_infotext(text);
  GenerationParams p;
  p.prompt = t.prompt;
  p.negative_prompt = t.negative_prompt;
  p.seed = -1;
  for (auto& [k, v] : t.fields) {
    if (k == "Steps") p.steps = int(to_int(k, v));
    else if (k == "Sampler") p.sampler = v;
    else if (k == "Schedule type") p.scheduler = v;
    else if (k == "CFG scale") p.cfg_scale = to_double(k, v);
    else if (k == "Seed") p.seed = to_int(k, v);
    else if (k == "Size") size_pair(k, v, p.width, p.height);
    else if (k == "Model hash") p.model_hash = v;
    else if (k == "Model") p.model_name = v;
    else if (k == "Variation seed") p.subseed = to_int(k, v);
    else if (k == "Variation seed strength") p.subseed_strength = to_double(k, v);
    else if (k == "Seed resize from") size_pair(k, v, p.seed_resize_from_w, p.seed_resize_from_h);
    else if (k == "Denoising strength") p.denoising_strength = to_double(k, v);
    else if (k == "Clip skip") p.clip_skip = int(to_int(k, v));
    else if (k == "ENSD") p.ensd = to_int(k, v);
    else if (k == "RNG") p.rng = v;
    else if (k == "Eta" || k == "Eta DDIM") p.eta = to_double(k, v);
    else if (k == "Sigma churn") p.s_churn = to_double(k, v);
    else if (k == "Sigma tmin") p.s_tmin = to_double(k, v);
    else if (k == "Sigma tmax") p.s_tmax = to_double(k, v);
    else if (k == "Sigma noise") p.s_noise = to_double(k, v);
    else if (k == "Version") continue;
    else p.extra.emplace_back(k, v);
  }
  return p;
}

}  // namespace easel
