// A1111 txt2img/img2img request bodies -> a GenerationJob: pydantic-like field typing with
// FastAPI's 422 error list, A1111's defaults, the `infotext` field, override_settings and the
// server's limits. Runs on HTTP threads.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/engine_service.h"
#include "server/server_options.h"

namespace easel::server {

struct RequestLimits {
  int64_t max_pixels = 2048 * 2048;  // width * height of one image
  int max_images = 64;               // batch_size * n_iter
};

struct PromptStyle {
  std::string name, prompt, negative_prompt;
};

struct ParsedRequest {
  GenerationJob job;
  nlohmann::json parameters;  // the request as A1111 echoes it (every field, defaults filled in)
  bool send_images = true;
  bool persist_overrides = false;  // override_settings_restore_afterwards == false
  nlohmann::json override_settings = nlohmann::json::object();
  std::vector<std::string> styles;
};

// Throws ApiError (422 for types/values, 404 for an unknown sampler or checkpoint).
ParsedRequest parse_generation_request(const nlohmann::json& body, bool img2img, const ServerOptions& opts,
                                       const RequestLimits& limits, const std::vector<PromptStyle>& styles);

// A1111's request model defaults, for `parameters` and for the UI.
nlohmann::json default_request(bool img2img);

}  // namespace easel::server
