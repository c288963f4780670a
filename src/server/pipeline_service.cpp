// PipelineService: the adapter from the server's job model to pipeline::Generator. Seeds are
// resolved here so that an interrupted job still reports them; skip re-runs the remaining
// batches with the seeds A1111 would have given them.
#include "server/pipeline_service.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/log.h"
#include "core/mapped_file.h"
#include "io/safetensors.h"
#include "naming/file_hash.h"
#include "pipeline/model_finder.h"
#include "pipeline/sidecar_config.h"
#include "sampling/cfg_denoiser.h"
#include "sampling/rng/image_rng.h"
#include "server/preview.h"
#include "text/conditioning.h"

namespace easel::server {
namespace fs = std::filesystem;

namespace {
// The side a checkpoint was trained at: easel.config "image_size" from a safetensors header
// (only the header is parsed; the mapping is not read further) or from the .yaml/.hparams.json
// beside it. 0 when it does not say or anything about it cannot be read: one bad file must not
// break the listing (loading it reports the real error).
int native_size_of(const std::string& path) {
  try {
    std::map<std::string, std::string> metadata;
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".safetensors" && fs::is_regular_file(path)) {
      auto file = MappedFile::open(path);
      metadata = parse_safetensors_header(file->data(), file->size(), path).metadata;
    }
    return read_sidecar_config(path, metadata).image_size.value_or(0);
  } catch (const std::exception& e) {
    log_debug("{}: native size unknown: {}", path, e.what());
    return 0;
  }
}
// Whether `path` is the built-in model. Its vocabulary was learned with it (664 tokens, not CLIP's)
// and lives in the tokenizer/ beside it, so a --tokenizer meant for the other checkpoints must
// not replace it when the user switches to it.
bool is_builtin(const std::string& path, const std::string& builtin) {
  std::error_code ec;
  return !path.empty() && !builtin.empty() && fs::equivalent(path, builtin, ec);
}

}  // namespace

PipelineService::PipelineService(PipelineServiceOptions opts) : opts_(std::move(opts)) {
  std::lock_guard lk(mu_);
  scan_locked();
  if (!entries_.empty()) current_ = entries_.front().path;
}

PipelineService::~PipelineService() = default;

void PipelineService::scan_locked() {
  std::vector<Entry> next;
  auto known_hash = [&](const std::string& path) {
    for (auto& e : entries_)
      if (e.path == path) return e.sha256;
    return std::string();
  };
  for (auto& p : opts_.extra_models) {
    if (!fs::exists(p)) fail("--model {}: no such file or folder", p);
    next.push_back({fs::absolute(p).string(), fs::path(p).filename().string(), known_hash(fs::absolute(p).string())});
  }
  if (!opts_.models_dir.empty() && fs::is_directory(opts_.models_dir)) {
    const fs::path base = fs::path(opts_.models_dir) / "Stable-diffusion";
    for (auto& p : list_checkpoints(opts_.models_dir)) {
      std::error_code ec;
      std::string rel = fs::relative(p, base, ec).string();
      if (ec || rel.empty() || rel.rfind("..", 0) == 0) rel = fs::path(p).filename().string();
      next.push_back({p, rel, known_hash(p)});
    }
  }
  if (!opts_.builtin_model.empty() && fs::exists(opts_.builtin_model)) {
    const std::string abs = fs::absolute(opts_.builtin_model).lexically_normal().string();
    std::error_code ec;
    bool listed = false;
    for (auto& e : next) listed = listed || fs::equivalent(e.path, abs, ec);
    if (!listed) next.push_back({abs, fs::path(abs).filename().string(), known_hash(abs)});
  }
  for (auto& e : next) e.native_size = native_size_of(e.path);
  entries_ = std::move(next);
}

std::string PipelineService::title_of(const Entry& e) const {
  return e.sha256.empty() ? e.rel : e.rel + " [" + e.sha256.substr(0, 10) + "]";
}

std::vector<CheckpointInfo> PipelineService::checkpoints() {
  std::lock_guard lk(mu_);
  std::vector<CheckpointInfo> out;
  for (auto& e : entries_)
    out.push_back({title_of(e), fs::path(e.rel).replace_extension().string(), e.sha256.substr(0, std::min<size_t>(10, e.sha256.size())), e.sha256, e.path, e.native_size});
  return out;
}

void PipelineService::refresh_checkpoints() {
  std::lock_guard lk(mu_);
  scan_locked();
}

const PipelineService::Entry* PipelineService::find_entry_locked(const std::string& spec_in) const {
  std::string spec = spec_in;
  // "name [hash]" titles: match on the name, so a title from before hashing still works.
  if (spec.size() > 3 && spec.back() == ']')
    if (size_t b = spec.rfind(" ["); b != std::string::npos) spec = spec.substr(0, b);
  for (auto& e : entries_) {
    const fs::path rel(e.rel);
    if (e.rel == spec || e.path == spec || rel.filename().string() == spec || rel.stem().string() == spec ||
        fs::path(e.rel).replace_extension().string() == spec || title_of(e) == spec_in)
      return &e;
  }
  return nullptr;
}

std::string PipelineService::resolve_checkpoint(const std::string& spec) {
  std::lock_guard lk(mu_);
  if (const Entry* e = find_entry_locked(spec)) return title_of(*e);
  std::string names;
  for (auto& e : entries_) names += (names.empty() ? "" : ", ") + title_of(e);
  // Hashes and paths: the finder knows how to match them (hashing as needed, cached).
  std::string path;
  try {
    if (!opts_.models_dir.empty()) path = find_checkpoint(spec, opts_.models_dir);
  } catch (const Error&) {
  }
  if (!path.empty())
    for (auto& e : entries_)
      if (fs::equivalent(e.path, path)) return title_of(e);
  fail("model '{}' not found; available: {}", spec, names.empty() ? "(none)" : names);
}

std::string PipelineService::current_checkpoint() {
  std::lock_guard lk(mu_);
  for (auto& e : entries_)
    if (e.path == current_) return title_of(e);
  return "";
}

std::vector<std::string> PipelineService::vae_files() {
  std::vector<std::string> out;
  const fs::path dir = fs::path(opts_.models_dir) / "VAE";
  std::error_code ec;
  if (opts_.models_dir.empty() || !fs::is_directory(dir, ec)) return out;
  for (auto& f : fs::directory_iterator(dir, ec)) {
    const std::string ext = f.path().extension().string();
    if (f.is_regular_file() && (ext == ".safetensors" || ext == ".ckpt" || ext == ".pt")) out.push_back(f.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::pair<int, int> PipelineService::count_tokens(const std::string& prompt, int steps) {
  std::shared_ptr<const text::Tokenizer> tok;
  {
    std::lock_guard lk(mu_);
    if (!tokenizer_) {
      std::vector<fs::path> dirs;
      if (!opts_.load.tokenizer_dir.empty() && !is_builtin(current_, opts_.builtin_model))
        dirs.push_back(opts_.load.tokenizer_dir);
      if (!current_.empty())
        if (std::string d = tokenizer_beside(current_); !d.empty()) dirs.push_back(d);
      if (!opts_.load.default_tokenizer_dir.empty()) dirs.push_back(opts_.load.default_tokenizer_dir);
      dirs.push_back(text::Tokenizer::default_dir(opts_.models_dir));
      for (auto& d : dirs)
        if (!d.empty() && fs::is_regular_file(d / "vocab.json") && fs::is_regular_file(d / "merges.txt")) {
          tokenizer_ = text::Tokenizer::load(d);
          break;
        }
      if (!tokenizer_) fail("no CLIP tokenizer found (pass --tokenizer DIR)");
    }
    tok = tokenizer_;
  }
  text::ConditioningRequest req;
  req.prompt = prompt;
  req.steps = steps;
  text::ConditioningPlan plan = text::plan_conditioning(*tok, req);
  int count = 0;
  for (auto& sp : plan.cond.subprompts)
    for (auto& sc : sp.schedule) count = std::max(count, sc.token_count);
  const int chunks = std::max(1, (count + 74) / 75);
  return {count, chunks * 75};
}

void PipelineService::select_checkpoint(const std::string& title) {
  std::string path;
  {
    std::lock_guard lk(mu_);
    const Entry* e = find_entry_locked(title);
    if (!e) fail("model '{}' not found", title);
    path = e->path;
    if (current_ != path) tokenizer_.reset();  // token counts follow the selected model's vocabulary
    current_ = path;
  }
  ensure_loaded(path);
}

void PipelineService::ensure_loaded(const std::string& path) {
  if (model_ && model_->path() == path) return;
  model_.reset();  // free the old weights before loading the new ones
  log_info("server: loading {}", path);
  ModelLoadOptions lo = opts_.load;
  if (is_builtin(path, opts_.builtin_model)) lo.tokenizer_dir.clear();
  model_ = SDModel::load(path, lo);
  std::string sha;
  if (fs::is_regular_file(path) && opts_.load.hash) {
    try {
      sha = file_hashes(path).sha256;  // cached by the loader's hashing
    } catch (const Error&) {
    }
  }
  std::lock_guard lk(mu_);
  for (auto& e : entries_)
    if (e.path == path) e.sha256 = sha;
}

namespace {
// Removes the temporary init image however the job ends.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) std::remove(path.c_str());
  }
};
}  // namespace

GenerationOutput PipelineService::generate(const GenerationJob& job, const StepFn& on_step, JobControl& ctl) {
  std::string path;
  {
    std::lock_guard lk(mu_);
    const Entry* e = job.checkpoint.empty() ? nullptr : find_entry_locked(job.checkpoint);
    if (!job.checkpoint.empty() && !e) fail("model '{}' not found", job.checkpoint);
    path = e ? e->path : current_;
  }
  if (path.empty()) fail("no checkpoint available: put one in <models-dir>/Stable-diffusion or pass --model");
  ensure_loaded(path);

  GenerationParams p = job.params;
  TempFile init;
  if (!job.init_image.empty()) {
    static std::atomic<int> counter{0};
    init.path = (fs::temp_directory_path() / ("easel-serve-" + std::to_string(getpid()) + "-" +
                                              std::to_string(counter++) + ".img")).string();
    std::ofstream f(init.path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(job.init_image.data()), std::streamsize(job.init_image.size()));
    if (!f) fail("cannot write the init image to {}", init.path);
    f.close();
    p.init_image = init.path;
  } else {
    p.init_image.clear();
  }
  const SamplerSelection sel = select_sampler(p.sampler, p.scheduler);
  p.seed = int64_t(resolve_seed(p.seed));
  p.subseed = int64_t(resolve_seed(p.subseed));

  GenerationOutput out;
  out.seed = p.seed;
  out.subseed = p.subseed;
  out.sampler_name = std::string(sel.sampler->name);
  out.model_name = model_->name();
  out.model_hash = model_->hash_autov2();

  Generator gen(*model_, opts_.generate);
  int first_batch = 0;  // batches before this one were run (or skipped) by earlier passes
  const int total_batches = p.batch_count;
  while (first_batch < total_batches) {
    GenerationParams part = p;
    part.batch_count = total_batches - first_batch;
    const int64_t offset = int64_t(first_batch) * p.batch_size;
    if (p.subseed_strength == 0) part.seed = p.seed + offset;  // A1111: seed + i per image
    part.subseed = p.subseed + offset;
    int running = first_batch;
    GenerateCallbacks cb;
    cb.on_step = [&](const StepEvent& ev) {
      running = first_batch + ev.batch;
      if (!on_step) return;
      StepProgress sp;
      sp.job_no = running;
      sp.job_count = total_batches;
      sp.step = ev.step + 1;
      sp.steps = ev.total;
      const Tensor& lat = ev.denoised.defined() ? ev.denoised : ev.x;
      sp.preview = [&lat] { return latent_preview(lat, 0); };
      on_step(sp);
    };
    cb.on_image = [&](const GeneratedImage& g) {
      out.images.push_back({g.image, g.infotext, g.seed, g.subseed});
    };
    try {
      gen.generate(part, cb, &ctl.cancel);
      break;
    } catch (const Interrupted&) {
      if (ctl.interrupt) {
        out.interrupted = true;
        break;
      }
      // Skip: drop the batch that was running and go on with the next one.
      ctl.skip = false;
      ctl.cancel = false;
      first_batch = running + 1;
    }
  }
  return out;
}

}  // namespace easel::server
