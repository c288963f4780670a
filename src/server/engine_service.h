// GenerationService: the one seam between the HTTP server and the engine. The server's
// generation thread is the only caller of generate()/load; tests plug in a double.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/image.h"
#include "pipeline/params.h"

namespace easel::server {

// One checkpoint as A1111's /sdapi/v1/sd-models lists it.
struct CheckpointInfo {
  std::string title;       // "name [hash]" (just "name" when no hash is known)
  std::string model_name;  // file stem
  std::string hash;        // AutoV2 short hash, "" if not computed
  std::string sha256;
  std::string filename;    // full path
  // The side the checkpoint was trained at (easel.config "image_size" in its safetensors metadata,
  // or its sidecar files); 0 = unknown (the file does not say, or could not be read).
  int native_size = 0;
};

// What the generation thread runs: the request in easel's vocabulary plus the checkpoint to use.
struct GenerationJob {
  GenerationParams params;           // seed/subseed may be -1 (random); init_image unused
  std::string checkpoint;            // title or name from the request; "" = the current one
  std::vector<uint8_t> init_image;   // encoded image bytes (img2img), validated by the HTTP thread
};

// Control flags the server sets from other threads; the service checks `cancel` between model
// calls and then looks at why: interrupt (stop the job, keep the images finished so far) or skip
// (drop the current batch, go on with the next one).
struct JobControl {
  std::atomic<bool> cancel{false};
  std::atomic<bool> interrupt{false};
  std::atomic<bool> skip{false};
  void request_interrupt() { interrupt = true, cancel = true; }
  void request_skip() { skip = true, cancel = true; }
};

struct StepProgress {
  int job_no = 0, job_count = 1;  // batch (n_iter) index and count
  int step = 0, steps = 0;        // sampler step within the batch
  // Builds a small RGB preview of the current latent; the caller throttles how often.
  std::function<Image()> preview;
};
using StepFn = std::function<void(const StepProgress&)>;

struct GeneratedOutput {
  Image image;  // text["parameters"] holds the infotext
  std::string infotext;
  int64_t seed = 0, subseed = 0;
};

struct GenerationOutput {
  std::vector<GeneratedOutput> images;
  bool interrupted = false;
  std::string sampler_name;           // resolved display name
  std::string model_name, model_hash; // of the checkpoint that ran
  int64_t seed = 0, subseed = 0;      // resolved first seeds of the job
};

class GenerationService {
 public:
  virtual ~GenerationService() = default;

  // Any thread (implementations lock as needed).
  virtual std::vector<CheckpointInfo> checkpoints() = 0;
  virtual void refresh_checkpoints() = 0;
  // Title of the checkpoint `spec` names (title, name, file name or hash); throws Error if none.
  virtual std::string resolve_checkpoint(const std::string& spec) = 0;
  // Title of the checkpoint new jobs use by default ("" if none is available).
  virtual std::string current_checkpoint() = 0;
  virtual std::vector<std::string> vae_files() = 0;
  // A1111's prompt token count ("N/75") and the chunked length it is shown against.
  virtual std::pair<int, int> count_tokens(const std::string& prompt, int steps) = 0;

  // Generation thread only. Makes `title` the current checkpoint (loading it now or lazily).
  virtual void select_checkpoint(const std::string& title) = 0;
  // Runs a whole job; honours ctl between model calls. Throws Error on failure.
  virtual GenerationOutput generate(const GenerationJob& job, const StepFn& on_step, JobControl& ctl) = 0;
};

}  // namespace easel::server
