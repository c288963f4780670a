// The server's settings as A1111's /sdapi/v1/options exposes them: the current checkpoint and
// the options that change generation (CLIP skip, RNG source, ENSD), settable globally or per
// request through override_settings.
#pragma once
#include <mutex>
#include <nlohmann/json.hpp>

#include "server/engine_service.h"

namespace easel::server {

class ServerOptions {
 public:
  explicit ServerOptions(GenerationService& svc);

  nlohmann::json get() const;
  // Validates every known key, then applies them all (unknown keys are ignored, as settings of
  // features easel does not have). Throws ApiError (422 bad value, 404 unknown checkpoint).
  void set(const nlohmann::json& values);
  // The defaults a new job starts from: checkpoint title, clip skip, rng, ensd.
  void apply_defaults(GenerationJob& job) const;
  // override_settings of one request: applied to `job` only. Throws ApiError.
  void apply_overrides(const nlohmann::json& values, GenerationJob& job) const;

 private:
  struct Values {
    std::string checkpoint;
    int clip_skip = 1;
    std::string randn_source = "GPU";
    int64_t ensd = 0;
  };
  // Parses the known keys of `values` over `into`; throws ApiError.
  void parse(const nlohmann::json& values, Values& into) const;

  GenerationService& svc_;
  mutable std::mutex mu_;
  Values v_;
};

}  // namespace easel::server
