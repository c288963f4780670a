// Response builders: the field names and value conventions of A1111 1.10's API models.
#include "server/api_response.h"

#include "pipeline/infotext.h"
#include "sampling/rng/image_rng.h"
#include "server/base64.h"

namespace easel::server {
using nlohmann::json;

json processed_info(const ParsedRequest& req, const GenerationOutput& out, const std::string& job_timestamp) {
  const GenerationParams& p = req.job.params;
  const int n = p.batch_count * p.batch_size;
  // The job's planned seeds, as A1111 reports them even when it was interrupted early.
  const JobSeeds seeds = plan_seeds(uint64_t(out.seed), uint64_t(out.subseed), p.subseed_strength, n);
  json all_seeds = json::array(), all_subseeds = json::array();
  for (int i = 0; i < n; ++i) {
    all_seeds.push_back(int64_t(seeds.seeds[size_t(i)]));
    all_subseeds.push_back(int64_t(seeds.subseeds[size_t(i)]));
  }
  json infotexts = json::array();
  for (auto& im : out.images) infotexts.push_back(im.infotext);
  return {
      {"prompt", p.prompt},
      {"all_prompts", json(std::vector<std::string>(size_t(n), p.prompt))},
      {"negative_prompt", p.negative_prompt},
      {"all_negative_prompts", json(std::vector<std::string>(size_t(n), p.negative_prompt))},
      {"seed", out.seed},
      {"all_seeds", all_seeds},
      {"subseed", out.subseed},
      {"all_subseeds", all_subseeds},
      {"subseed_strength", p.subseed_strength},
      {"width", p.width},
      {"height", p.height},
      {"sampler_name", out.sampler_name.empty() ? p.sampler : out.sampler_name},
      {"cfg_scale", p.cfg_scale},
      {"steps", p.steps},
      {"batch_size", p.batch_size},
      {"restore_faces", false},
      {"face_restoration_model", nullptr},
      {"sd_model_name", out.model_name},
      {"sd_model_hash", out.model_hash},
      {"sd_vae_name", nullptr},
      {"sd_vae_hash", nullptr},
      {"seed_resize_from_w", p.seed_resize_from_w > 0 ? p.seed_resize_from_w : -1},
      {"seed_resize_from_h", p.seed_resize_from_h > 0 ? p.seed_resize_from_h : -1},
      {"denoising_strength", p.is_img2img() ? json(p.denoising_strength) : json(nullptr)},
      {"extra_generation_params", json::object()},
      {"index_of_first_image", 0},
      {"infotexts", infotexts},
      {"styles", req.styles},
      {"job_timestamp", job_timestamp},
      {"clip_skip", p.clip_skip},
      {"is_using_inpainting_conditioning", false},
      {"version", "easel 0.1.0"},
      {"interrupted", out.interrupted},  // easel: the job was stopped before its last image
  };
}

json generation_response(const ParsedRequest& req, const GenerationOutput& out, const std::string& job_timestamp) {
  json images = json::array();
  if (req.send_images)
    for (auto& im : out.images) images.push_back(base64_encode(encode_png(im.image)));
  return {{"images", images}, {"parameters", req.parameters}, {"info", processed_info(req, out, job_timestamp).dump()}};
}

json progress_response(const ProgressSnapshot& s, bool skip_current_image) {
  json state = {
      {"skipped", s.skipped},           {"interrupted", s.interrupted},   {"stopping_generation", false},
      {"job", s.job},                   {"job_count", s.job_count},       {"job_timestamp", s.job_timestamp.empty() ? "0" : s.job_timestamp},
      {"job_no", s.job_no},             {"sampling_step", s.sampling_step}, {"sampling_steps", s.sampling_steps},
      {"queue_pending", s.pending},  // easel: jobs waiting behind this one
  };
  json r = {{"progress", 0.0}, {"eta_relative", 0.0}, {"state", state}, {"current_image", nullptr},
            {"textinfo", s.textinfo.empty() ? json(nullptr) : json(s.textinfo)}};
  if (s.job_count == 0 || s.job.empty()) return r;
  // A1111's formula: 0.01 + finished batches + the fraction of the current one.
  double progress = 0.01 + double(s.job_no) / s.job_count;
  if (s.sampling_steps > 0) progress += 1.0 / s.job_count * s.sampling_step / s.sampling_steps;
  const double eta = s.seconds_running / progress;
  r["progress"] = std::min(progress, 1.0);
  r["eta_relative"] = eta - s.seconds_running;
  if (s.preview && !skip_current_image) r["current_image"] = base64_encode(encode_png(*s.preview));
  return r;
}

json infotext_parameters(const std::string& infotext) {
  json res = json::object();
  if (infotext.empty()) return res;
  ParsedInfotext pi = parse_infotext(infotext);
  res["Prompt"] = pi.prompt;
  res["Negative prompt"] = pi.negative_prompt;
  for (auto& [k, v] : pi.fields) {
    const size_t x = v.find('x');
    if ((k == "Size" || k == "Seed resize from" || k == "Hires resize") && x != std::string::npos) {
      res[k + "-1"] = v.substr(0, x);
      res[k + "-2"] = v.substr(x + 1);
    } else {
      res[k] = v;
    }
  }
  // Defaults A1111 adds for fields older infotexts leave out.
  if (!res.contains("Clip skip")) res["Clip skip"] = "1";
  if (!res.contains("RNG")) res["RNG"] = "GPU";
  if (!res.contains("Schedule type")) res["Schedule type"] = "Automatic";
  return res;
}

json png_info_response(const Image& img) {
  std::string info;
  json items = json::object();
  for (auto& [k, v] : img.text) {
    if (k == "parameters") info = v;
    else items[k] = v;
  }
  return {{"info", info}, {"items", items}, {"parameters", infotext_parameters(info)}};
}

}  // namespace easel::server
