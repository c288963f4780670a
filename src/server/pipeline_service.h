// PipelineService: GenerationService over the real engine (pipeline/generate.h): checkpoints
// from an A1111-style models folder, one SDModel loaded at a time, skip/interrupt, previews.
#pragma once
#include <map>
#include <memory>
#include <mutex>

#include "pipeline/generate.h"
#include "server/engine_service.h"

namespace easel::server {

struct PipelineServiceOptions {
  std::string models_dir;                 // <dir>/Stable-diffusion, <dir>/VAE as A1111 lays them out
  std::vector<std::string> extra_models;  // checkpoint paths outside models_dir (--model PATH)
  std::string builtin_model;              // listed last: the default only when nothing else is there
  ModelLoadOptions load;
  GenerateOptions generate;
};

class PipelineService final : public GenerationService {
 public:
  explicit PipelineService(PipelineServiceOptions opts);
  ~PipelineService() override;

  std::vector<CheckpointInfo> checkpoints() override;
  void refresh_checkpoints() override;
  std::string resolve_checkpoint(const std::string& spec) override;
  std::string current_checkpoint() override;
  std::vector<std::string> vae_files() override;
  std::pair<int, int> count_tokens(const std::string& prompt, int steps) override;

  void select_checkpoint(const std::string& title) override;
  GenerationOutput generate(const GenerationJob& job, const StepFn& on_step, JobControl& ctl) override;

 private:
  struct Entry {
    std::string path, rel;  // rel: the name A1111 shows (path under Stable-diffusion/)
    std::string sha256;     // known once loaded (or cached)
    int native_size = 0;    // read from the header when the list is scanned; 0 = unknown
  };
  std::string title_of(const Entry& e) const;
  const Entry* find_entry_locked(const std::string& spec) const;
  void scan_locked();
  void ensure_loaded(const std::string& path);  // generation thread

  PipelineServiceOptions opts_;
  std::mutex mu_;  // guards entries_, current_, tokenizer_
  std::vector<Entry> entries_;
  std::string current_;  // path of the default checkpoint
  std::shared_ptr<const text::Tokenizer> tokenizer_;
  std::unique_ptr<SDModel> model_;  // generation thread only
};

}  // namespace easel::server
