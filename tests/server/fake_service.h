// A GenerationService double for the server tests: tiny deterministic images, a configurable
// cost per "model call", cancellation checked before each call as the real denoiser does,
// an optional gate that holds the job, and counters the tests read.
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "pipeline/generate.h"
#include "sampling/rng/image_rng.h"
#include "server/engine_service.h"

namespace easel::test {

class FakeService : public server::GenerationService {
 public:
  std::chrono::milliseconds call_cost{1};
  std::atomic<int> calls{0};                // model calls made
  std::atomic<int> calls_at_interrupt{-1};  // `calls` when the cancel flag was first seen set
  std::atomic<int> jobs{0};
  std::string loaded = "alpha.safetensors";
  GenerationParams last;  // the last job's parameters (generation thread writes, tests read after)

  void hold() {
    std::lock_guard lk(mu_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lk(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }

  std::vector<server::CheckpointInfo> checkpoints() override {
    return {{"alpha.safetensors [0123456789]", "alpha", "0123456789", "0123456789abcdef", "/models/alpha.safetensors"},
            {"beta.safetensors", "beta", "", "", "/models/beta.safetensors", 128}};
  }
  void refresh_checkpoints() override {}
  std::string resolve_checkpoint(const std::string& spec) override {
    for (auto& c : checkpoints())
      if (spec == c.title || spec == c.model_name || spec + " [0123456789]" == c.title || spec == c.model_name + ".safetensors")
        return c.title;
    fail("model '{}' not found", spec);
  }
  std::string current_checkpoint() override { return checkpoints()[0].title; }
  std::vector<std::string> vae_files() override { return {"/models/VAE/vae.pt"}; }
  std::pair<int, int> count_tokens(const std::string& prompt, int) override {
    int n = 0;
    bool word = false;
    for (char c : prompt) {
      if (c != ' ' && !word) ++n;
      word = c != ' ';
    }
    return {n, std::max(1, (n + 74) / 75) * 75};
  }
  void select_checkpoint(const std::string& title) override { loaded = title; }

  server::GenerationOutput generate(const server::GenerationJob& job, const server::StepFn& on_step,
                                    server::JobControl& ctl) override {
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return !held_; });
    }
    ++jobs;
    GenerationParams p = job.params;
    last = p;
    loaded = job.checkpoint;
    const SamplerSelection sel = select_sampler(p.sampler, p.scheduler);
    p.sampler = std::string(sel.sampler->name);
    p.model_name = resolve_checkpoint(job.checkpoint).substr(0, job.checkpoint.find('.'));
    p.seed = int64_t(resolve_seed(p.seed));
    p.subseed = int64_t(resolve_seed(p.subseed));
    server::GenerationOutput out;
    out.seed = p.seed, out.subseed = p.subseed, out.sampler_name = p.sampler, out.model_name = p.model_name;
    const JobSeeds seeds = plan_seeds(uint64_t(p.seed), uint64_t(p.subseed), p.subseed_strength, p.batch_count * p.batch_size);
    for (int b = 0; b < p.batch_count; ++b) {
      bool skipped = false;
      for (int s = 0; s < p.steps && !skipped; ++s) {
        if (ctl.cancel) {  // as CfgDenoiser: checked before every model call
          if (calls_at_interrupt < 0) calls_at_interrupt = calls.load();
          if (ctl.interrupt) {
            out.interrupted = true;
            return out;
          }
          ctl.skip = false, ctl.cancel = false;
          skipped = true;
          break;
        }
        std::this_thread::sleep_for(call_cost);
        ++calls;
        server::StepProgress sp;
        sp.job_no = b, sp.job_count = p.batch_count, sp.step = s + 1, sp.steps = p.steps;
        sp.preview = [&] { return solid(8, 8, uint8_t(s * 10)); };
        if (on_step) on_step(sp);
      }
      if (skipped) continue;
      for (int i = 0; i < p.batch_size; ++i) {
        const size_t k = size_t(b * p.batch_size + i);
        server::GeneratedOutput g;
        g.seed = int64_t(seeds.seeds[k]);
        g.subseed = int64_t(seeds.subseeds[k]);
        g.image = solid(p.width, p.height, uint8_t(g.seed & 255));
        g.infotext = make_infotext(p, g.seed, g.subseed, schedule_label(sel));
        g.image.text["parameters"] = g.infotext;
        out.images.push_back(std::move(g));
      }
    }
    return out;
  }

  static Image solid(int w, int h, uint8_t v) {
    Image im;
    im.width = w, im.height = h;
    im.rgb.assign(size_t(w) * size_t(h) * 3, v);
    return im;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
};

}  // namespace easel::test
