// The /sdapi/v1 routes (A1111's API) and easel's own /easel/v1 helpers for the UI. Handlers run
// on HTTP threads: they parse, validate, queue, wait and encode; only the queue's thread generates.
#include <httplib.h>

#include <fstream>

#include "core/error.h"
#include "core/log.h"
#include "pipeline/generate.h"
#include "sampling/sampler_registry.h"
#include "server/api_error.h"
#include "server/api_response.h"
#include "server/base64.h"
#include "server/server_context.h"

namespace easel::server {
using nlohmann::json;

std::pair<size_t, size_t> process_rss() {
  std::ifstream f("/proc/self/status");
  std::string line;
  size_t rss = 0, peak = 0;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stoull(line.substr(6)) * 1024;
    if (line.rfind("VmHWM:", 0) == 0) peak = std::stoull(line.substr(6)) * 1024;
  }
  return {rss, peak};
}

namespace {

size_t total_ram() {
  std::ifstream f("/proc/meminfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("MemTotal:", 0) == 0) return std::stoull(line.substr(9)) * 1024;
  return 0;
}

void reply(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

json parse_body(const httplib::Request& req) {
  if (req.body.empty()) return json::object();
  try {
    return json::parse(req.body);
  } catch (const json::parse_error& e) {
    throw ApiError(422, "RequestValidationError",
                   json::array({{{"loc", {"body", e.byte}}, {"msg", "JSON decode error"}, {"type", "value_error.jsondecode"}}}),
                   std::string("request body: invalid JSON: ") + e.what());
  }
}

// Runs a handler, turning ApiError and easel::Error into A1111-shaped error responses.
template <typename F>
httplib::Server::Handler guarded(F f) {
  return [f](const httplib::Request& req, httplib::Response& res) {
    try {
      f(req, res);
    } catch (const ApiError& e) {
      json body = req.body.size() < 4096 ? json(req.body) : json("");
      reply(res, e.body_json(body), e.status);
    } catch (const QueueFull& e) {
      reply(res, ApiError(503, "QueueFull", e.what(), e.what()).body_json(), 503);
    } catch (const Error& e) {
      reply(res, ApiError(422, "Error", e.what(), e.what()).body_json(), 422);
    }
  };
}

void generate_route(ServerContext& ctx, bool img2img, const httplib::Request& req, httplib::Response& res) {
  ParsedRequest pr = parse_generation_request(parse_body(req), img2img, ctx.options, ctx.cfg.limits, ctx.styles);
  const std::string ts = timestamp_now();
  auto ticket = ctx.queue.submit(pr.job, img2img ? "img2img" : "txt2img");
  JobResult r = ctx.queue.wait(ticket);
  if (r.failed()) {
    if (r.error == "server is shutting down") throw QueueFull(r.error);
    throw ApiError(500, "RuntimeError", r.error, r.error);
  }
  if (pr.persist_overrides && !pr.override_settings.empty()) ctx.options.set(pr.override_settings);
  reply(res, generation_response(pr, r.output, ts));
}

json sampler_list() {
  json out = json::array();
  for (auto& s : samplers()) {
    json aliases = json::array();
    for (auto a : s.aliases) aliases.push_back(std::string(a));
    json options = json::object();
    if (!s.scheduler.empty()) options["scheduler"] = std::string(s.scheduler);
    if (s.discard_next_to_last_sigma) options["discard_next_to_last_sigma"] = true;
    if (s.second_order) options["second_order"] = true;
    if (s.brownian_noise) options["brownian_noise"] = true;
    if (s.uses_ensd) options["uses_ensd"] = true;
    if (!s.solver_type.empty()) options["solver_type"] = std::string(s.solver_type);
    out.push_back({{"name", std::string(s.name)}, {"aliases", aliases}, {"options", options}});
  }
  return out;
}

json scheduler_list() {
  json out = json::array();
  for (auto& s : schedulers()) {
    json aliases = json::array();
    for (auto a : s.aliases) aliases.push_back(std::string(a));
    out.push_back({{"name", std::string(s.name)},
                   {"label", std::string(s.label)},
                   {"aliases", s.aliases.empty() ? json(nullptr) : aliases},
                   {"default_rho", s.default_rho},
                   {"need_inner_model", s.needs_model}});
  }
  return out;
}

}  // namespace

void register_api_routes(httplib::Server& http, ServerContext& ctx) {
  const std::string v1 = "/sdapi/v1/";
  http.Post(v1 + "txt2img", guarded([&ctx](auto& req, auto& res) { generate_route(ctx, false, req, res); }));
  http.Post(v1 + "img2img", guarded([&ctx](auto& req, auto& res) { generate_route(ctx, true, req, res); }));

  http.Get(v1 + "progress", guarded([&ctx](const httplib::Request& req, httplib::Response& res) {
    const std::string skip = req.get_param_value("skip_current_image");
    reply(res, progress_response(ctx.queue.progress(), skip == "true" || skip == "True" || skip == "1"));
  }));
  http.Post(v1 + "interrupt", guarded([&ctx](auto&, auto& res) {
    ctx.queue.interrupt();
    reply(res, json::object());
  }));
  http.Post(v1 + "skip", guarded([&ctx](auto&, auto& res) {
    ctx.queue.skip();
    reply(res, nullptr);
  }));

  http.Get(v1 + "options", guarded([&ctx](auto&, auto& res) { reply(res, ctx.options.get()); }));
  http.Post(v1 + "options", guarded([&ctx](const httplib::Request& req, httplib::Response& res) {
    ctx.options.set(parse_body(req));
    reply(res, nullptr);
  }));

  http.Get(v1 + "sd-models", guarded([&ctx](auto&, auto& res) {
    json out = json::array();
    for (auto& c : ctx.svc.checkpoints())
      out.push_back({{"title", c.title},
                     {"model_name", c.model_name},
                     {"hash", c.hash.empty() ? json(nullptr) : json(c.hash)},
                     {"sha256", c.sha256.empty() ? json(nullptr) : json(c.sha256)},
                     {"filename", c.filename},
                     {"config", nullptr},
                     // easel's own: the side the model was trained at (the UI's default size).
                     {"easel_native_size", c.native_size > 0 ? json(c.native_size) : json(nullptr)}});
    reply(res, out);
  }));
  http.Post(v1 + "refresh-checkpoints", guarded([&ctx](auto&, auto& res) {
    ctx.svc.refresh_checkpoints();
    reply(res, nullptr);
  }));
  http.Get(v1 + "samplers", guarded([](auto&, auto& res) { reply(res, sampler_list()); }));
  http.Get(v1 + "schedulers", guarded([](auto&, auto& res) { reply(res, scheduler_list()); }));
  http.Get(v1 + "upscalers", guarded([](auto&, auto& res) {
    reply(res, json::array({{{"name", "None"}, {"model_name", nullptr}, {"model_path", nullptr}, {"model_url", nullptr}, {"scale", 4}}}));
  }));
  http.Get(v1 + "sd-vae", guarded([&ctx](auto&, auto& res) {
    json out = json::array();
    for (auto& f : ctx.svc.vae_files())
      out.push_back({{"model_name", std::filesystem::path(f).filename().string()}, {"filename", f}});
    reply(res, out);
  }));
  // Lists of features easel does not have (hypernetworks, face restoration, Real-ESRGAN, hires
  // latent upscale, scripts, extensions): A1111 always serves these routes and clients list
  // them before generating (stable-diffusion-api's getHypernetworks, ...), so answer empty in
  // A1111's shapes rather than 404.
  for (const char* route : {"hypernetworks", "face-restorers", "realesrgan-models", "latent-upscale-modes", "script-info", "extensions"})
    http.Get(v1 + route, guarded([](auto&, auto& res) { reply(res, json::array()); }));
  http.Get(v1 + "scripts", guarded([](auto&, auto& res) {
    reply(res, {{"txt2img", json::array()}, {"img2img", json::array()}});
  }));
  http.Get(v1 + "embeddings", guarded([](auto&, auto& res) {
    reply(res, {{"loaded", json::object()}, {"skipped", json::object()}});
  }));
  http.Get(v1 + "prompt-styles", guarded([&ctx](auto&, auto& res) {
    json out = json::array();
    for (auto& s : ctx.styles) out.push_back({{"name", s.name}, {"prompt", s.prompt}, {"negative_prompt", s.negative_prompt}});
    reply(res, out);
  }));
  http.Post(v1 + "png-info", guarded([](const httplib::Request& req, httplib::Response& res) {
    json body = parse_body(req);
    if (!body.is_object() || !body.contains("image") || !body["image"].is_string())
      throw ApiError(422, "RequestValidationError",
                     json::array({{{"loc", {"body", "image"}}, {"msg", "field required"}, {"type", "value_error.missing"}}}),
                     "image: field required");
    std::string s = body["image"].get<std::string>();
    auto bytes = base64_decode(s);
    if (!bytes) throw ApiError::http(500, "Invalid encoded image");
    Image img;
    try {
      img = decode_image(bytes->data(), bytes->size(), "image");
    } catch (const Error& e) {
      throw ApiError::http(500, std::string("Invalid encoded image: ") + e.what());
    }
    reply(res, png_info_response(img));
  }));
  http.Get(v1 + "memory", guarded([](auto&, auto& res) {
    auto [rss, peak] = process_rss();
    const size_t total = total_ram();
    reply(res, {{"ram", {{"free", total > rss ? total - rss : 0}, {"used", rss}, {"total", total}, {"peak", peak}}},
                {"cuda", {{"error", "unavailable"}}}});
  }));
  http.Get(v1 + "cmd-flags", guarded([&ctx](auto&, auto& res) {
    reply(res, {{"listen", !is_loopback_host(ctx.cfg.host)}, {"port", ctx.cfg.port}, {"api", true},
                {"api_auth", ctx.cfg.api_auth.empty() ? json(nullptr) : json("<set>")}, {"nowebui", ctx.cfg.web_dir.empty()}});
  }));

  // easel's UI helpers.
  http.Post("/easel/v1/token-count", guarded([&ctx](const httplib::Request& req, httplib::Response& res) {
    json body = parse_body(req);
    const std::string prompt = body.value("prompt", std::string());
    const int steps = std::clamp(body.value("steps", 20), 1, 10000);
    try {
      auto [count, max] = ctx.svc.count_tokens(prompt, steps);
      reply(res, {{"token_count", count}, {"max_length", max}});
    } catch (const Error& e) {
      throw ApiError::http(503, e.what());
    }
  }));
  http.Get("/easel/v1/defaults", guarded([](auto&, auto& res) {
    reply(res, {{"txt2img", default_request(false)}, {"img2img", default_request(true)}});
  }));
}

}  // namespace easel::server
