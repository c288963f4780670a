// Option parsing and the generation front end shared by cmd_txt2img.cpp and cmd_img2img.cpp.
#include "cli/gen_options.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <unistd.h>

#include "cli/cli_parse.h"
#include "core/error.h"
#include "core/log.h"
#include "core/thread_pool.h"
#include "io/image.h"
#include "io/safetensors.h"
#include "pipeline/generate.h"
#include "pipeline/image_convert.h"
#include "pipeline/model_finder.h"
#include "sampling/cfg_denoiser.h"

namespace easel::cli {
namespace {
namespace fs = std::filesystem;

std::atomic<bool> g_cancel{false};
extern "C" void on_sigint(int) { g_cancel = true; }

struct Front {
  GenerationParams cli;  // values as parsed; only options actually given are applied
  std::vector<std::pair<CLI::Option*, std::function<void(GenerationParams&)>>> setters;
  std::string model, outdir, tokenizer, models_dir, from_png, preview_dir, save_latents, resize_mode;
  int threads = 0, preview_every = 0;
  bool fix_steps = false, quiet = false;
};

template <class T>
void opt(CLI::App& app, Front& f, const std::string& names, T GenerationParams::*field, const std::string& help) {
  CLI::Option* o = app.add_option(names, f.cli.*field, help);
  f.setters.push_back({o, [&f, field](GenerationParams& p) { p.*field = f.cli.*field; }});
}

int resize_mode_of(const std::string& s) {
  static const std::map<std::string, int> names = {
      {"0", 0}, {"1", 1}, {"2", 2}, {"3", 3}, {"just-resize", 0}, {"crop", 1}, {"crop-and-resize", 1},
      {"fill", 2}, {"resize-and-fill", 2}, {"latent", 3}, {"latent-upscale", 3}, {"Just resize", 0},
      {"Crop and resize", 1}, {"Resize and fill", 2}, {"Just resize (latent upscale)", 3}};
  auto it = names.find(s);
  if (it == names.end())
    fail("resize mode: expected 0-3 or just-resize, crop, fill, latent; got '{}'", s);
  return it->second;
}

// Sampler names written before A1111 1.9 carry the schedule ("DPM++ 2M Karras").
void split_combined_sampler(GenerationParams& p, bool had_schedule_field) {
  SamplerChoice c = find_sampler(p.sampler);
  if (!c.sampler) return;  // reported by the checks with the valid names
  p.sampler = std::string(c.sampler->name);
  if (c.scheduler && !had_schedule_field) p.scheduler = std::string(c.scheduler->label);
}

std::string format_duration(double s) {
  if (!(s >= 0) || s > 1e7) return "?";
  const int t = int(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60) : fmt::format("{}:{:02}", t / 60, t % 60);
}

}  // namespace

int run_generate_command(const std::vector<std::string>& args, bool img2img) {
  const char* cmd = img2img ? "easel img2img" : "easel txt2img";
  CLI::App app{img2img ? "Generate images from an image and a prompt (A1111 img2img)"
                       : "Generate images from a prompt (A1111 txt2img)",
               cmd};
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a later flag wins
  Front f;
  app.add_option("-m,--model", f.model, "checkpoint: a path, or a name or hash (AutoV2/legacy) in <models-dir>/Stable-diffusion (default: the built-in easel-shapes model)");
  opt(app, f, "-p,--prompt", &GenerationParams::prompt, "prompt (A1111 syntax: (emphasis:1.2), [from:to:when], AND)");
  opt(app, f, "-n,--negative-prompt", &GenerationParams::negative_prompt, "negative prompt");
  opt(app, f, "--steps", &GenerationParams::steps, "sampling steps (default 20)");
  opt(app, f, "--cfg-scale", &GenerationParams::cfg_scale, "classifier-free guidance scale (default 7)");
  opt(app, f, "--sampler", &GenerationParams::sampler, "sampler, A1111 name (default \"DPM++ 2M\")");
  opt(app, f, "--scheduler,--schedule-type", &GenerationParams::scheduler, "schedule type (default Automatic)");
  opt(app, f, "--seed", &GenerationParams::seed, "seed (default -1: random)");
  opt(app, f, "-W,--width", &GenerationParams::width, "width in pixels, a multiple of 8 (default 512, or the size the model was trained at)");
  opt(app, f, "-H,--height", &GenerationParams::height, "height in pixels, a multiple of 8 (default 512, or the size the model was trained at)");
  opt(app, f, "--batch-count,--n-iter", &GenerationParams::batch_count, "batches run one after the other (default 1)");
  opt(app, f, "--batch-size", &GenerationParams::batch_size, "images per batch (default 1)");
  opt(app, f, "--clip-skip", &GenerationParams::clip_skip, "CLIP layers to skip from the end (default 1)");
  opt(app, f, "--rng", &GenerationParams::rng, "random source: gpu (NV algorithm, default), cpu, nv");
  opt(app, f, "--eta", &GenerationParams::eta, "eta for ancestral/SDE samplers (eta_ddim for DDIM)");
  opt(app, f, "--ensd", &GenerationParams::ensd, "eta noise seed delta (default 0)");
  opt(app, f, "--subseed", &GenerationParams::subseed, "variation seed (default -1: random)");
  opt(app, f, "--subseed-strength", &GenerationParams::subseed_strength, "variation strength 0..1 (default 0)");
  opt(app, f, "--seed-resize-from-w", &GenerationParams::seed_resize_from_w, "resize seed from width");
  opt(app, f, "--seed-resize-from-h", &GenerationParams::seed_resize_from_h, "resize seed from height");
  if (img2img) {
    opt(app, f, "-i,--init-image", &GenerationParams::init_image, "input image (PNG, JPEG or WebP)");
    opt(app, f, "--denoising-strength", &GenerationParams::denoising_strength, "0..1 (default 0.75)");
    auto* rm = app.add_option("--resize-mode", f.resize_mode, "just-resize (0, default), crop (1), fill (2), latent (3)");
    f.setters.push_back({rm, [&f](GenerationParams& p) { p.resize_mode = resize_mode_of(f.resize_mode); }});
    app.add_flag("--img2img-fix-steps", f.fix_steps, "A1111 option: run exactly --steps steps whatever the strength");
  }
  app.add_option("-o,--outdir", f.outdir, "output folder (default outputs/txt2img-images or outputs/img2img-images)");
  app.add_option("--from-png", f.from_png, "reuse the parameters stored in an image (flags given override them)");
  app.add_option("--tokenizer", f.tokenizer, "CLIP tokenizer folder (vocab.json, merges.txt); default <models-dir>/tokenizer");
  app.add_option("--models-dir", f.models_dir, "A1111-style models folder (default $EASEL_MODELS_DIR or <easel>/../models)");
  app.add_option("--threads", f.threads, "compute threads (default: all cores)");
  app.add_option("--preview-every", f.preview_every, "write a cheap preview of the denoised latent every N steps");
  app.add_option("--preview-dir", f.preview_dir, "folder for previews (default <outdir>/previews)");
  app.add_option("--save-latents", f.save_latents, "also write each image's per-step latents (safetensors) to this folder");
  app.add_flag("-q,--quiet", f.quiet, "no progress bar");
  if (auto rc = parse_command_line(app, args, cmd)) return *rc;

  // Everything that can be wrong with the request is found before anything is written.
  GenerationParams p;
  std::unique_ptr<SDModel> model;
  std::string outdir, preview_dir;
  try {
    if (f.threads < 0) fail("threads: expected >= 0, got {}", f.threads);
    if (f.preview_every < 0) fail("preview every: expected >= 0 steps, got {}", f.preview_every);
    const std::string models_dir = f.models_dir.empty() ? default_models_dir() : f.models_dir;
    if (!f.from_png.empty()) {
      Image src = read_image(f.from_png);
      auto it = src.text.find("parameters");
      if (it == src.text.end()) fail("{}: the image has no 'parameters' text (not written by A1111 or easel?)", f.from_png);
      p = params_from_infotext(it->second);
      bool had_schedule = it->second.find("Schedule type: ") != std::string::npos;
      split_combined_sampler(p, had_schedule);
      p.init_image.clear();
    }
    for (auto& [o, set] : f.setters)
      if (o->count()) set(p);
    if (!f.from_png.empty() && (p.batch_count > 1 || p.batch_size > 1) && !app.count("--batch-count") && !app.count("--batch-size"))
      p.batch_count = p.batch_size = 1;
    if (img2img && p.init_image.empty()) fail("init image: pass -i IMAGE");
    if (p.rng.empty()) p.rng = "GPU";
    for (char& c : p.rng) c = char(std::toupper(static_cast<unsigned char>(c)));
    check_request(p);
    std::string spec = f.model;
    if (spec.empty() && !f.from_png.empty()) spec = !p.model_hash.empty() ? p.model_hash : p.model_name;
    std::string path;
    if (spec.empty()) {
      // No model named: the built-in easel-shapes model, so the first command paints something.
      path = builtin_model_path(models_dir);
      if (path.empty())
        fail("model: pass -m MODEL (a checkpoint path, or a name or hash in {}/Stable-diffusion); the built-in "
             "model easel-shapes was not found in {}/easel-shapes or next to the executable", models_dir, models_dir);
    } else {
      path = find_checkpoint(spec, models_dir);
    }
    if (f.threads > 0) set_num_threads(f.threads);
    ModelLoadOptions lo;
    lo.tokenizer_dir = f.tokenizer;
    lo.default_tokenizer_dir = (fs::path(models_dir) / "tokenizer").string();
    if (const char* e = std::getenv("EASEL_TOKENIZER"); e && *e && f.tokenizer.empty()) lo.default_tokenizer_dir = e;
    model = SDModel::load(path, lo);
    // A model that says what size it was trained at (the built-in one: 128x128) gets that size
    // unless the command line or the source image's parameters set one.
    if (model->native_size() > 0 && f.from_png.empty()) {
      if (!app.count("--width")) p.width = model->native_size();
      if (!app.count("--height")) p.height = model->native_size();
    }
    Generator(*model).check(p);
    if (!f.from_png.empty() && !p.model_hash.empty() && !model->hash_autov2().empty() && p.model_hash != model->hash_autov2())
      log_warn("{} was made with model hash {}, but {} has hash {}", f.from_png, p.model_hash, model->name(), model->hash_autov2());
    outdir = !f.outdir.empty() ? f.outdir : img2img ? "outputs/img2img-images" : "outputs/txt2img-images";
    preview_dir = !f.preview_dir.empty() ? f.preview_dir : (fs::path(outdir) / "previews").string();
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", cmd, e.what());
    return 2;
  }

  fs::create_directories(outdir);
  if (f.preview_every > 0) fs::create_directories(preview_dir);
  if (!f.save_latents.empty()) fs::create_directories(f.save_latents);
  std::signal(SIGINT, on_sigint);

  GenerateOptions go;
  go.img2img_fix_steps = f.fix_steps;
  Generator gen(*model, go);
  GenerateCallbacks cb;
  std::vector<Tensor> batch_xs;  // per-step latents of the current batch (--save-latents)
  auto t_batch = std::chrono::steady_clock::now();
  int last_batch = -1;
  const bool bar = !f.quiet;
  cb.on_step = [&](const StepEvent& e) {
    if (e.batch != last_batch) {
      last_batch = e.batch;
      t_batch = std::chrono::steady_clock::now();
      batch_xs.clear();
    }
    if (!f.save_latents.empty()) batch_xs.push_back(e.x.clone());
    if (f.preview_every > 0 && (e.step + 1) % f.preview_every == 0) {
      const Tensor& src = e.denoised.defined() ? e.denoised : e.x;
      for (int b = 0; b < e.batch_size; ++b)
        write_png((fs::path(preview_dir) / fmt::format("{:05}-step{:03}.png", e.first_index + b, e.step + 1)).string(),
                  latent_preview_cheap(src, b));
    }
    if (bar) {
      const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_batch).count();
      const int done = e.step + 1, total = std::max(e.total, done);
      // t_batch is taken at the batch's first callback, so the rate counts the steps after it.
      const double rate = done > 1 && el > 0 ? (done - 1) / el : 0;
      const double left = rate > 0 ? ((total - done) + double(e.batch_count - e.batch - 1) * total) / rate : -1;
      const int w = 30, fill = total > 0 ? done * w / total : w;
      const std::string speed = rate > 0 ? fmt::format("{:.2f} it/s", rate) : std::string("-- it/s");
      std::fprintf(stderr, "\r%s%3d/%d [%s%s] %s, ETA %s  ",
                   e.batch_count > 1 ? fmt::format("batch {}/{} ", e.batch + 1, e.batch_count).c_str() : "", done, total,
                   std::string(size_t(fill), '#').c_str(), std::string(size_t(w - fill), '.').c_str(), speed.c_str(),
                   format_duration(left).c_str());
      std::fflush(stderr);
    }
  };
  cb.on_image = [&](const GeneratedImage& g) {
    const std::string name = image_file_name(next_image_number(outdir), g.seed);
    const fs::path file = fs::path(outdir) / name;
    write_png(file.string(), g.image);
    if (!f.save_latents.empty()) {
      std::map<std::string, Tensor> t;
      const int b = g.index % std::max(1, p.batch_size);
      for (size_t i = 0; i < batch_xs.size(); ++i) {
        const Tensor& x = batch_xs[i];
        const int64_t per = x.numel() / x.dim(0);
        Shape one = x.shape();
        one[0] = 1;
        t["step" + std::to_string(i) + ".x_in"] = Tensor::from(one, {x.f32() + b * per, size_t(per)});
      }
      t["final_latent"] = g.latent;
      save_safetensors((fs::path(f.save_latents) / fs::path(name).replace_extension(".safetensors")).string(), t);
    }
    if (bar) std::fprintf(stderr, "\n");
    std::printf("%s\n", file.string().c_str());
    std::fflush(stdout);
  };
  try {
    gen.generate(p, cb, &g_cancel);
  } catch (const Interrupted&) {
    std::fprintf(stderr, "\n%s: interrupted\n", cmd);
    return 130;
  }
  return 0;
}

}  // namespace easel::cli
