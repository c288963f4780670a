// parse_generation_request: A1111's StableDiffusion{Txt2Img,Img2Img}ProcessingAPI models as JSON
// checks. Unknown fields are dropped as pydantic drops them; known fields easel cannot honour
// (hires fix, masks, scripts) are refused instead of silently giving a different image.
#include "server/api_request.h"

#include <cmath>
#include <optional>

#include "core/error.h"
#include "io/image.h"
#include "pipeline/generate.h"
#include "server/api_error.h"
#include "server/base64.h"

namespace easel::server {
using nlohmann::json;

json default_request(bool img2img) {
  json r = {
      {"prompt", ""}, {"negative_prompt", ""}, {"styles", nullptr}, {"seed", -1}, {"subseed", -1},
      {"subseed_strength", 0}, {"seed_resize_from_h", -1}, {"seed_resize_from_w", -1}, {"sampler_name", nullptr},
      {"scheduler", nullptr}, {"batch_size", 1}, {"n_iter", 1}, {"steps", 50}, {"cfg_scale", 7.0},
      {"width", 512}, {"height", 512}, {"restore_faces", nullptr}, {"tiling", nullptr},
      {"do_not_save_samples", false}, {"do_not_save_grid", false}, {"eta", nullptr},
      {"denoising_strength", img2img ? json(0.75) : json(nullptr)}, {"s_min_uncond", nullptr},
      {"s_churn", nullptr}, {"s_tmax", nullptr}, {"s_tmin", nullptr}, {"s_noise", nullptr},
      {"override_settings", nullptr}, {"override_settings_restore_afterwards", true},
      {"refiner_checkpoint", nullptr}, {"refiner_switch_at", nullptr}, {"disable_extra_networks", false},
      {"firstpass_image", nullptr}, {"comments", nullptr}, {"sampler_index", "Euler"}, {"script_name", nullptr},
      {"script_args", json::array()}, {"send_images", true}, {"save_images", false},
      {"alwayson_scripts", json::object()}, {"force_task_id", nullptr}, {"infotext", nullptr},
  };
  if (img2img) {
    r.update({{"init_images", nullptr}, {"resize_mode", 0}, {"image_cfg_scale", nullptr}, {"mask", nullptr},
              {"mask_blur_x", 4}, {"mask_blur_y", 4}, {"mask_blur", nullptr}, {"mask_round", true},
              {"inpainting_fill", 0}, {"inpaint_full_res", true}, {"inpaint_full_res_padding", 0},
              {"inpainting_mask_invert", 0}, {"initial_noise_multiplier", nullptr}, {"latent_mask", nullptr},
              {"include_init_images", false}});
  } else {
    r.update({{"enable_hr", false}, {"firstphase_width", 0}, {"firstphase_height", 0}, {"hr_scale", 2.0},
              {"hr_upscaler", nullptr}, {"hr_second_pass_steps", 0}, {"hr_resize_x", 0}, {"hr_resize_y", 0},
              {"hr_checkpoint_name", nullptr}, {"hr_sampler_name", nullptr}, {"hr_scheduler", nullptr},
              {"hr_prompt", ""}, {"hr_negative_prompt", ""}});
  }
  return r;
}

namespace {

// Pydantic v1 coercions for the field types the API uses; errors are collected, not thrown,
// so one 422 lists every bad field as FastAPI does.
class Checker {
 public:
  explicit Checker(const json& req) : req_(req) {}

  std::optional<int64_t> integer(const char* k) {
    const json& v = req_.at(k);
    if (v.is_null()) return std::nullopt;
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float() && std::isfinite(v.get<double>()) && v.get<double>() == std::floor(v.get<double>()) &&
        std::fabs(v.get<double>()) < 9.2e18)
      return int64_t(v.get<double>());
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      size_t pos = 0;
      try {
        int64_t x = std::stoll(s, &pos);
        if (pos == s.size()) return x;
      } catch (...) {
      }
    }
    add(k, "value is not a valid integer", "type_error.integer");
    return std::nullopt;
  }
  std::optional<double> number(const char* k) {
    const json& v = req_.at(k);
    if (v.is_null()) return std::nullopt;
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      size_t pos = 0;
      try {
        double x = std::stod(s, &pos);
        if (pos == s.size()) return x;
      } catch (...) {
      }
    }
    add(k, "value is not a valid float", "type_error.float");
    return std::nullopt;
  }
  std::optional<std::string> str(const char* k) {
    const json& v = req_.at(k);
    if (v.is_null()) return std::nullopt;
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    add(k, "str type expected", "type_error.str");
    return std::nullopt;
  }
  std::optional<bool> boolean(const char* k) {
    const json& v = req_.at(k);
    if (v.is_null()) return std::nullopt;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer() && (v == 0 || v == 1)) return v == 1;
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (s == "true" || s == "True" || s == "1" || s == "yes" || s == "on") return true;
      if (s == "false" || s == "False" || s == "0" || s == "no" || s == "off") return false;
    }
    add(k, "value could not be parsed to a boolean", "type_error.bool");
    return std::nullopt;
  }
  const json* list(const char* k) {
    const json& v = req_.at(k);
    if (v.is_null()) return nullptr;
    if (v.is_array()) return &v;
    add(k, "value is not a valid list", "type_error.list");
    return nullptr;
  }
  const json* dict(const char* k) {
    const json& v = req_.at(k);
    if (v.is_null()) return nullptr;
    if (v.is_object()) return &v;
    add(k, "value is not a valid dict", "type_error.dict");
    return nullptr;
  }
  void add(const std::string& k, const std::string& msg, const std::string& type) {
    errors_.push_back({{"loc", {"body", k}}, {"msg", msg}, {"type", type}});
  }
  void throw_if_any() const {
    if (errors_.empty()) return;
    std::string all;
    for (auto& e : errors_) all += (all.empty() ? "" : "; ") + e["loc"][1].get<std::string>() + ": " + e["msg"].get<std::string>();
    throw ApiError(422, "RequestValidationError", errors_, all);
  }

 private:
  const json& req_;
  json errors_ = json::array();
};

ApiError invalid(const std::string& field, const std::string& msg) {
  return ApiError(422, "RequestValidationError",
                  json::array({{{"loc", {"body", field}}, {"msg", msg}, {"type", "value_error"}}}), field + ": " + msg);
}

std::string apply_style(const std::string& style, const std::string& text) {
  if (style.empty()) return text;
  const size_t at = style.find("{prompt}");
  if (at != std::string::npos) return style.substr(0, at) + text + style.substr(at + 8);
  if (text.empty()) return style;
  return text + ", " + style;
}

}  // namespace

ParsedRequest parse_generation_request(const json& body, bool img2img, const ServerOptions& opts,
                                       const RequestLimits& limits, const std::vector<PromptStyle>& styles) {
  if (!body.is_object())
    throw ApiError(422, "RequestValidationError",
                   json::array({{{"loc", {"body"}}, {"msg", "value is not a valid dict"}, {"type", "type_error.dict"}}}),
                   "request body: expected a JSON object");
  json req = default_request(img2img);
  for (auto& [k, v] : body.items())
    if (req.contains(k)) req[k] = v;
  auto given = [&](const char* k) { return body.contains(k) && !body[k].is_null(); };

  Checker c(req);
  ParsedRequest out;
  GenerationParams& p = out.job.params;
  opts.apply_defaults(out.job);

  // `infotext` fills the fields the request leaves out (A1111 1.10 apply_infotext).
  std::optional<GenerationParams> info;
  if (auto t = c.str("infotext"); t && !t->empty()) {
    try {
      info = params_from_infotext(*t);
    } catch (const Error& e) {
      throw invalid("infotext", e.what());
    }
  }
  auto pick = [&](const char* k, auto from_info) { return info && !given(k) ? std::optional(from_info(*info)) : std::nullopt; };

  auto prompt = c.str("prompt"), negative = c.str("negative_prompt");
  auto seed = c.integer("seed"), subseed = c.integer("subseed");
  auto subseed_strength = c.number("subseed_strength");
  auto rh = c.integer("seed_resize_from_h"), rw = c.integer("seed_resize_from_w");
  auto sampler_name = c.str("sampler_name"), sampler_index = c.str("sampler_index"), scheduler = c.str("scheduler");
  auto batch_size = c.integer("batch_size"), n_iter = c.integer("n_iter"), steps = c.integer("steps");
  auto cfg = c.number("cfg_scale");
  auto width = c.integer("width"), height = c.integer("height");
  auto eta = c.number("eta"), s_churn = c.number("s_churn"), s_tmin = c.number("s_tmin"), s_tmax = c.number("s_tmax"),
       s_noise = c.number("s_noise");
  auto denoise = c.number("denoising_strength");
  auto restore_faces = c.boolean("restore_faces"), tiling = c.boolean("tiling");
  auto send_images = c.boolean("send_images"), restore_after = c.boolean("override_settings_restore_afterwards");
  auto script_name = c.str("script_name");
  const json* overrides = c.dict("override_settings");
  const json* alwayson = c.dict("alwayson_scripts");
  const json* style_list = c.list("styles");
  std::optional<bool> enable_hr;
  const json* init_images = nullptr;
  std::optional<int64_t> resize_mode;
  std::optional<std::string> mask;
  if (img2img) {
    init_images = c.list("init_images");
    resize_mode = c.integer("resize_mode");
    mask = c.str("mask");
  } else {
    enable_hr = c.boolean("enable_hr");
  }
  c.throw_if_any();

  if (enable_hr.value_or(false)) throw ApiError::http(422, "enable_hr: hires fix is not supported by easel yet");
  if (mask && !mask->empty()) throw ApiError::http(422, "mask: inpainting is not supported by easel yet");
  if (restore_faces.value_or(false)) throw ApiError::http(422, "restore_faces: face restoration is not supported by easel");
  if (tiling.value_or(false)) throw ApiError::http(422, "tiling: tiling is not supported by easel yet");
  if (script_name && !script_name->empty()) throw ApiError::http(422, "Script '" + *script_name + "' not found");
  // A1111 1.10 looks always-on scripts up by title like selectable ones, hence the same message.
  if (alwayson && !alwayson->empty()) throw ApiError::http(422, "Script '" + alwayson->begin().key() + "' not found");

  auto int_in = [](const char* field, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi) throw invalid(field, "expected " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + std::to_string(v));
    return int(v);
  };
  p.prompt = pick("prompt", [](auto& g) { return g.prompt; }).value_or(prompt.value_or(""));
  p.negative_prompt = pick("negative_prompt", [](auto& g) { return g.negative_prompt; }).value_or(negative.value_or(""));
  p.seed = pick("seed", [](auto& g) { return g.seed; }).value_or(seed.value_or(-1));
  p.subseed = pick("subseed", [](auto& g) { return g.subseed; }).value_or(subseed.value_or(-1));
  p.subseed_strength = pick("subseed_strength", [](auto& g) { return g.subseed_strength; }).value_or(subseed_strength.value_or(0));
  p.seed_resize_from_w = pick("seed_resize_from_w", [](auto& g) { return int64_t(g.seed_resize_from_w); }).value_or(int_in("seed_resize_from_w", rw.value_or(-1), -1, 16384));
  p.seed_resize_from_h = pick("seed_resize_from_h", [](auto& g) { return int64_t(g.seed_resize_from_h); }).value_or(int_in("seed_resize_from_h", rh.value_or(-1), -1, 16384));
  p.seed_resize_from_w = std::max(0, p.seed_resize_from_w);
  p.seed_resize_from_h = std::max(0, p.seed_resize_from_h);
  p.steps = int_in("steps", pick("steps", [](auto& g) { return int64_t(g.steps); }).value_or(steps.value_or(50)), 1, 10000);
  p.cfg_scale = pick("cfg_scale", [](auto& g) { return g.cfg_scale; }).value_or(cfg.value_or(7.0));
  p.width = int_in("width", pick("width", [](auto& g) { return int64_t(g.width); }).value_or(width.value_or(512)), 8, 16384);
  p.height = int_in("height", pick("height", [](auto& g) { return int64_t(g.height); }).value_or(height.value_or(512)), 8, 16384);
  p.batch_size = int_in("batch_size", batch_size.value_or(1), 1, 64);
  p.batch_count = int_in("n_iter", n_iter.value_or(1), 1, 10000);
  p.eta = eta;
  p.s_churn = s_churn, p.s_tmin = s_tmin, p.s_tmax = s_tmax, p.s_noise = s_noise;

  // Sampler: sampler_name, else sampler_index (A1111's default "Euler"); combined names such
  // as "DPM++ 2M Karras" carry their schedule type.
  std::string sampler = sampler_name.value_or(sampler_index.value_or("Euler"));
  std::string sched = scheduler.value_or("Automatic");
  if (info && !given("sampler_name") && !given("sampler_index")) {
    sampler = info->sampler;
    if (!given("scheduler")) sched = info->scheduler;
  }
  if (!find_sampler(sampler).sampler) throw ApiError::http(404, "Sampler not found");
  try {
    SamplerSelection sel = select_sampler(sampler, sched);
    p.sampler = std::string(sel.sampler->name);
    p.scheduler = sel.scheduler ? std::string(sel.scheduler->label) : "Automatic";
  } catch (const Error& e) {
    throw invalid("scheduler", e.what());
  }

  if (info) {  // A1111 turns the infotext's settings into override_settings
    p.clip_skip = info->clip_skip;
    p.rng = info->rng;
    p.ensd = info->ensd;
  }
  if (overrides) {
    opts.apply_overrides(*overrides, out.job);
    out.override_settings = *overrides;
  }
  out.persist_overrides = !restore_after.value_or(true);
  out.send_images = send_images.value_or(true);

  if (style_list) {
    for (auto& s : *style_list) {
      if (!s.is_string()) throw invalid("styles", "str type expected");
      out.styles.push_back(s.get<std::string>());
      for (auto& st : styles)
        if (st.name == s.get<std::string>()) {
          p.prompt = apply_style(st.prompt, p.prompt);
          p.negative_prompt = apply_style(st.negative_prompt, p.negative_prompt);
        }
    }
  }

  if (img2img) {
    if (!init_images || init_images->empty()) throw ApiError::http(404, "Init image not found");
    if (init_images->size() > 1) throw invalid("init_images", "easel takes one init image per request");
    const json& im = (*init_images)[0];
    if (!im.is_string()) throw invalid("init_images", "str type expected");
    auto bytes = base64_decode(im.get_ref<const std::string&>());
    if (!bytes) throw ApiError::http(500, "Invalid encoded image");  // A1111's status and text
    try {
      Image probe = decode_image(bytes->data(), bytes->size(), "init_images[0]");
      if (int64_t(probe.width) * probe.height > limits.max_pixels * 4)
        throw invalid("init_images", "image of " + std::to_string(probe.width) + "x" + std::to_string(probe.height) + " is too large");
    } catch (const Error& e) {
      throw ApiError::http(500, std::string("Invalid encoded image: ") + e.what());
    }
    out.job.init_image = std::move(*bytes);
    p.resize_mode = int_in("resize_mode", resize_mode.value_or(0), 0, 3);
    p.denoising_strength = pick("denoising_strength", [](auto& g) { return g.denoising_strength; }).value_or(denoise.value_or(0.75));
    p.init_image = "<request>";  // marks img2img for validate(); the service uses init_image bytes
  }

  if (int64_t(p.width) * p.height > limits.max_pixels)
    throw invalid("width", "image of " + std::to_string(p.width) + "x" + std::to_string(p.height) + " exceeds this server's limit of " +
                               std::to_string(limits.max_pixels) + " pixels");
  if (int64_t(p.batch_size) * p.batch_count > limits.max_images)
    throw invalid("n_iter", "batch_size x n_iter = " + std::to_string(int64_t(p.batch_size) * p.batch_count) +
                                " exceeds this server's limit of " + std::to_string(limits.max_images) + " images");
  try {
    validate(p);
  } catch (const Error& e) {
    const std::string m = e.what();
    throw invalid(m.substr(0, m.find(':')), m);
  }

  out.parameters = req;
  if (img2img && !req["include_init_images"].get<bool>()) {
    out.parameters["init_images"] = nullptr;
    out.parameters["mask"] = nullptr;
  }
  return out;
}

}  // namespace easel::server
