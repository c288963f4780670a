// The real engine for server tests: the oracle's tiny SD 1.5 (random weights, 64x64 in
// milliseconds). Empty when the oracle is not present.
#pragma once
#include <filesystem>
#include <memory>

#include "common/oracle.h"
#include "server/pipeline_service.h"

namespace easel::test {

inline std::filesystem::path tiny_model_dir() { return oracle_dir() / "tiny-sd15"; }

inline server::PipelineServiceOptions tiny_service_options() {
  server::PipelineServiceOptions o;
  o.extra_models = {(tiny_model_dir() / "tiny-sd15.safetensors").string()};
  o.load.tokenizer_dir = (tiny_model_dir() / "model" / "tokenizer").string();
  return o;
}

inline std::unique_ptr<server::PipelineService> tiny_service() {
  if (!std::filesystem::exists(tiny_model_dir() / "tiny-sd15.safetensors")) return nullptr;
  return std::make_unique<server::PipelineService>(tiny_service_options());
}

}  // namespace easel::test
