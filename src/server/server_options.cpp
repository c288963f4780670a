// ServerOptions: typed parsing of A1111 option values and their mapping onto GenerationParams.
#include "server/server_options.h"

#include "core/error.h"
#include "server/api_error.h"

namespace easel::server {
using nlohmann::json;

ServerOptions::ServerOptions(GenerationService& svc) : svc_(svc) { v_.checkpoint = svc.current_checkpoint(); }

json ServerOptions::get() const {
  std::lock_guard lk(mu_);
  std::string hash;
  for (auto& c : svc_.checkpoints())
    if (c.title == v_.checkpoint) hash = c.sha256;
  return {
      {"sd_model_checkpoint", v_.checkpoint},
      {"sd_checkpoint_hash", hash},
      {"CLIP_stop_at_last_layers", v_.clip_skip},
      {"randn_source", v_.randn_source},
      {"eta_noise_seed_delta", v_.ensd},
      {"sd_vae", "Automatic"},
      {"samples_format", "png"},
      {"live_previews_enable", true},
  };
}

namespace {
ApiError bad_value(const std::string& key, const std::string& msg) {
  return ApiError(422, "RequestValidationError",
                  json::array({{{"loc", {"body", key}}, {"msg", msg}, {"type", "value_error"}}}),
                  "option " + key + ": " + msg);
}
}  // namespace

void ServerOptions::parse(const json& values, Values& into) const {
  if (!values.is_object()) throw bad_value("__root__", "value is not a valid dict");
  for (auto& [k, v] : values.items()) {
    if (k == "sd_model_checkpoint") {
      if (!v.is_string()) throw bad_value(k, "str type expected");
      try {
        into.checkpoint = svc_.resolve_checkpoint(v.get<std::string>());
      } catch (const Error& e) {
        throw ApiError::http(404, e.what());
      }
    } else if (k == "CLIP_stop_at_last_layers") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 12)
        throw bad_value(k, "expected an integer 1..12");
      into.clip_skip = v.get<int>();
    } else if (k == "randn_source") {
      if (!v.is_string() || (v != "GPU" && v != "CPU" && v != "NV")) throw bad_value(k, "expected \"GPU\", \"CPU\" or \"NV\"");
      into.randn_source = v.get<std::string>();
    } else if (k == "eta_noise_seed_delta") {
      if (!v.is_number_integer()) throw bad_value(k, "value is not a valid integer");
      into.ensd = v.get<int64_t>();
    }
  }
}

void ServerOptions::set(const json& values) {
  Values next;
  {
    std::lock_guard lk(mu_);
    next = v_;
  }
  parse(values, next);  // outside the lock: resolving a checkpoint may hash files
  std::lock_guard lk(mu_);
  v_ = next;
}

void ServerOptions::apply_defaults(GenerationJob& job) const {
  std::lock_guard lk(mu_);
  job.checkpoint = v_.checkpoint;
  job.params.clip_skip = v_.clip_skip;
  job.params.rng = v_.randn_source;
  job.params.ensd = v_.ensd;
}

void ServerOptions::apply_overrides(const json& values, GenerationJob& job) const {
  Values v{job.checkpoint, job.params.clip_skip, job.params.rng, job.params.ensd};
  parse(values, v);
  job.checkpoint = v.checkpoint;
  job.params.clip_skip = v.clip_skip;
  job.params.rng = v.randn_source;
  job.params.ensd = v.ensd;
}

}  // namespace easel::server
