// `easel bench`: times the three SD stages (CLIP encode, UNet eval, VAE decode) of a model file
// or random full-size SD 1.5 weights and reports seconds, analytic FLOPs, GFLOP/s, fraction of the measured FP32
// peak, arena sizes and peak RSS: one line per stage (or --json), to compare between commits.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "backend/backend.h"
#include "backend/cpu/peak.h"
#include "cli/cli_parse.h"
#include "cli/command.h"
#include "core/error.h"
#include "core/log.h"
#include "core/thread_pool.h"
#include "models/clip/clip_text.h"
#include "models/common/op_profiler.h"
#include "models/infer_config.h"
#include "naming/canonical_model.h"
#include "models/unet/unet.h"
#include "models/vae/vae.h"
#include "naming/arch_layout.h"

namespace {
using namespace easel;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
// CPU seconds of the whole process (all threads). Per-stage CPU time gives a rate that other
// processes taking the cores do not distort (idle workers sleep, so they do not count).
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}
double peak_rss_gb() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return double(r.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB on Linux
}

// Random weights for a tensor list without holding a full copy: every tensor views a shared
// buffer of its initialisation kind and fan-in, filled once (N(0, 1/fan_in) keeps activations
// O(1), so no denormals or overflow distort the timings). `dtype` is the stored float type.
class RandomStore {
 public:
  RandomStore(DType dtype, uint64_t seed) : dtype_(dtype), rng_(seed) {}
  TensorStore make(const std::vector<naming::TensorSpec>& specs) {
    TensorStore s;
    s.format = "random";
    s.path = "<random>";
    for (auto& t : specs) s.tensors[t.name] = tensor(t);
    return s;
  }

 private:
  Tensor tensor(const naming::TensorSpec& t) {
    const int64_t n = shape_numel(t.shape);
    if (t.dtype == DType::I64) {  // position ids
      Tensor ids = Tensor::empty(t.shape, DType::I64);
      for (int64_t i = 0; i < n; ++i) static_cast<int64_t*>(ids.raw())[i] = i % t.shape.back();
      return ids;
    }
    int64_t fan_in = 1;
    for (size_t i = 1; i < t.shape.size(); ++i) fan_in *= t.shape[i];
    float stdev = 0, mean = 0;
    switch (t.init) {
      case naming::Init::Normal: stdev = 1.f / std::sqrt(float(fan_in)); break;
      case naming::Init::Embedding: stdev = 0.02f; break;
      case naming::Init::One: mean = 1.f; break;
      case naming::Init::LogitScale: mean = std::log(1 / 0.07f); break;
      default: break;
    }
    const std::string key = std::to_string(int(t.init)) + "/" + std::to_string(fan_in);
    Tensor& buf = bufs_[key];
    if (!buf.defined() || buf.numel() < n) buf = fill(std::max<int64_t>(n, buf.defined() ? buf.numel() : 0), mean, stdev);
    return Tensor::view(t.shape, dtype_, buf.raw(), buf.holder());
  }
  Tensor fill(int64_t n, float mean, float stdev) {
    Tensor f = Tensor::empty({n});
    std::normal_distribution<float> nd(0.f, 1.f);
    for (int64_t i = 0; i < n; ++i) f.f32()[i] = mean + (stdev > 0 ? stdev * nd(rng_) : 0.f);
    if (dtype_ == DType::F32) return f;
    Tensor h = Tensor::empty({n}, DType::F16);
    for (int64_t i = 0; i < n; ++i) static_cast<uint16_t*>(h.raw())[i] = f32_to_f16(f.f32()[i]);
    return h;
  }
  DType dtype_;
  std::mt19937_64 rng_;
  std::map<std::string, Tensor> bufs_;
};

Tensor random_tensor(const Shape& s, std::mt19937_64& rng) {
  Tensor t = Tensor::empty(s);
  std::normal_distribution<float> nd(0.f, 1.f);
  for (auto& v : t.span_f32()) v = nd(rng);
  return t;
}

// Where the weights come from: a model file (canonical stores, inferred configs) or random
// weights of a known architecture. take() hands a component's store over once, so the caller
// can drop it (and the file mapping behind it) after building the model.
struct Source {
  std::string label;
  UNetConfig unet;
  VAEConfig vae;
  ClipTextConfig clip;
  std::function<TensorStore(const std::string&)> take;
};

Source random_source(const std::string& arch, DType dtype) {
  const naming::ArchConfigs a = naming::arch_configs(arch);
  if (a.clip_l.layers == 0) fail("bench: architecture '{}' has no CLIP ViT-L text encoder (only sd15 is benchmarked)", arch);
  auto rs = std::make_shared<RandomStore>(dtype, 1234);
  Source s{fmt::format("{} random weights ({})", arch, dtype == DType::F16 ? "f16" : "f32"), a.unet, a.vae, a.clip_l, {}};
  s.take = [rs, a](const std::string& c) {
    if (c == "unet") return rs->make(naming::unet_layout(a.unet));
    if (c == "vae") return rs->make(naming::vae_layout(a.vae));
    return rs->make(naming::hf_clip_layout(a.clip_l));
  };
  return s;
}

Source file_source(const std::string& path) {
  auto m = std::make_shared<CanonicalModel>(load_model(path));
  Source s;
  s.label = path;
  if (m->has("unet")) s.unet = infer_unet_config(m->at("unet"));
  if (m->has("vae")) s.vae = infer_vae_config(m->at("vae"));
  if (m->has("text_encoder")) {
    auto it = m->configs.find("text_encoder");
    s.clip = infer_clip_text_config(m->at("text_encoder"), it != m->configs.end() ? it->second : nlohmann::json());
  }
  s.take = [m](const std::string& c) {
    TensorStore st = m->at(c);
    m->components.erase(c);
    return st;
  };
  return s;
}

struct StageResult {
  std::string name, shape;
  double load_s = 0, first_s = 0, best_s = 0, mean_s = 0, flops = 0, arena_mib = 0, rss_gb = 0;
  double best_cpu_s = 0;  // the least process CPU time of a timed run
  double gflops_s() const { return best_s > 0 ? flops / best_s / 1e9 : 0.0; }
  // FLOPs per CPU-second times the thread count: what the threads reach on cores of their own.
  double cpu_gflops_s(int threads) const { return best_cpu_s > 0 ? flops / (best_cpu_s / threads) / 1e9 : 0.0; }
};

// Where a stage's time went (the last run): per op kind, then the costliest op shapes.
void print_profile(const ProfilingBackend& p, double stage_s) {
  auto table = [&](const std::map<std::string, OpStat>& m, size_t limit) {
    std::vector<std::pair<std::string, OpStat>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second.seconds > b.second.seconds; });
    for (size_t i = 0; i < v.size() && i < limit; ++i) {
      const OpStat& s = v[i].second;
      std::printf("    %-64s %5ld calls %8.3f s %5.1f%%", v[i].first.c_str(), s.calls, s.seconds, 100 * s.seconds / stage_s);
      if (s.flops > 0) std::printf("  %8.1f GFLOP %7.1f GFLOP/s", s.flops / 1e9, s.flops / s.seconds / 1e9);
      std::printf("\n");
    }
  };
  table(p.by_kind(), 100);
  std::printf("    -- costliest shapes --\n");
  table(p.by_shape(), 12);
}

// Runs `fn` once (sizing the arena) and then `repeat` timed times.
template <typename F>
void time_stage(StageResult& r, int repeat, bool dry, ProfilingBackend* prof, F&& fn) {
  if (dry) return;
  auto t0 = Clock::now();
  double c0 = process_cpu_seconds();
  fn();
  r.first_s = seconds_since(t0);
  const double first_cpu = process_cpu_seconds() - c0;
  r.best_s = r.best_cpu_s = 1e300;
  double sum = 0;
  for (int i = 0; i < repeat; ++i) {
    if (prof) prof->reset();
    t0 = Clock::now();
    c0 = process_cpu_seconds();
    fn();
    const double s = seconds_since(t0);
    r.best_cpu_s = std::min(r.best_cpu_s, process_cpu_seconds() - c0);
    r.best_s = std::min(r.best_s, s);
    sum += s;
  }
  if (repeat == 0) r.best_s = r.first_s, r.best_cpu_s = first_cpu;
  r.mean_s = repeat ? sum / repeat : r.first_s;
}

int run_bench(const std::vector<std::string>& args) {
  CLI::App app{"Time CLIP encode, UNet eval and VAE decode of a model (default: random full-size SD 1.5 weights)",
               "easel bench"};
  std::string model;
  std::string arch = "sd15", backend = "cpu", dtype_name_ = "f16", stages_arg = "clip,unet,vae";
  int threads = 0, size = 512, batch = 2, repeat = 1;
  bool json = false, random = false, dry = false, profile = false;
  app.add_option("model", model, "weights file or diffusers folder (e.g. from `easel dev make-random`)");
  app.add_flag("--random", random, "random weights built in memory (the default without MODEL)");
  app.add_option("--arch", arch, "architecture of the random weights")->check(CLI::IsMember({"sd15"}));
  app.add_option("--backend", backend, "compute backend (cpu, ref)");
  app.add_option("--threads", threads, "compute threads (default: all)")->check(CLI::Range(1, 1024));
  app.add_option("--size", size, "image size in pixels (latent = size/8)")->check(CLI::Range(64, 4096));
  app.add_option("--batch", batch, "UNet and CLIP batch (2 = one CFG step)")->check(CLI::Range(1, 64));
  app.add_option("--repeat", repeat, "timed runs after the first (best is reported)")->check(CLI::Range(0, 100));
  app.add_option("--dtype", dtype_name_, "stored weight type before conversion")->check(CLI::IsMember({"f16", "f32"}));
  app.add_option("--stages", stages_arg, "comma-separated subset of clip,unet,vae");
  app.add_flag("--json", json, "print one JSON object instead of lines");
  app.add_flag("--dry-run", dry, "build the models and report FLOPs without running them");
  app.add_flag("--profile", profile, "time every op of the last run and print the breakdown per stage");
  if (auto rc = cli::parse_command_line(app, args, "easel bench")) return *rc;
  if (random && !model.empty()) {
    std::fprintf(stderr, "easel bench: give either MODEL or --random, not both\n");
    return 2;
  }
  if (size % 64 != 0) {
    std::fprintf(stderr, "easel bench: --size must be a multiple of 64, got %d\n", size);
    return 2;
  }
  std::vector<std::string> stages;
  for (std::stringstream ss(stages_arg); ss.good();) {
    std::string s;
    std::getline(ss, s, ',');
    if (s != "clip" && s != "unet" && s != "vae") {
      std::fprintf(stderr, "easel bench: unknown stage '%s' in --stages (expected clip, unet, vae)\n", s.c_str());
      return 2;
    }
    stages.push_back(s);
  }
  std::unique_ptr<Backend> inner;
  try {
    inner = make_backend(backend);
  } catch (const Error& e) {
    std::fprintf(stderr, "easel bench: --backend: %s\n", e.what());
    return 2;
  }
  ProfilingBackend* prof = nullptr;
  std::unique_ptr<Backend> be_owner;
  if (profile) {
    auto p = std::make_unique<ProfilingBackend>(std::move(inner));
    prof = p.get();
    be_owner = std::move(p);
  } else {
    be_owner = std::move(inner);
  }
  Backend& be = *be_owner;
  if (threads > 0) set_num_threads(threads);
  const int nthreads = num_threads();
  const Fp32Peak peaks = measure_fp32_peak(nthreads);
  const double peak = peaks.best(), cpu_peak = peaks.best_cpu();

  Source src = model.empty() ? random_source(arch, dtype_name_ == "f16" ? DType::F16 : DType::F32) : file_source(model);
  if (!json)
    std::printf("easel bench: %s, backend %s, %d threads, FP32 peak %.1f GFLOP/s (AVX2 %.1f, AVX-512 %.1f); per "
                "CPU-second x threads %.1f (AVX2 %.1f, AVX-512 %.1f)\n",
                src.label.c_str(), backend.c_str(), nthreads, peak, peaks.avx2_gflops, peaks.avx512_gflops, cpu_peak,
                peaks.avx2_cpu_gflops, peaks.avx512_cpu_gflops);
  std::mt19937_64 rng(42);
  const int64_t lat = size / 8;
  std::vector<StageResult> results;
  // One backend for all stages, as in a generation: its arena is sized by the largest stage
  // (each stage's own peak is reported), and the models stay loaded to the end, so the final
  // peak RSS covers all of them.
  std::unique_ptr<ClipTextEncoder> clip;
  std::unique_ptr<UNet> unet;
  std::unique_ptr<VaeDecoder> vae;
  Tensor context = random_tensor({batch, src.clip.max_positions, src.unet.context_dim}, rng);
  for (auto& s : stages) {
    StageResult r;
    r.name = s;
    auto t0 = Clock::now();
    if (s == "clip") {
      {
        TensorStore w = src.take("text_encoder");
        clip = std::make_unique<ClipTextEncoder>(be, w, src.clip);
      }
      r.load_s = seconds_since(t0);
      const int L = src.clip.max_positions;
      std::vector<int32_t> ids(size_t(batch) * L, 49407);
      std::uniform_int_distribution<int32_t> tok(256, 49000);
      for (int b = 0; b < batch; ++b) {
        ids[size_t(b) * L] = 49406;
        for (int i = 1; i < 20; ++i) ids[size_t(b) * L + i] = tok(rng);
      }
      r.shape = fmt::format("b{} x {} tokens", batch, L);
      r.flops = clip->flops(batch);
      time_stage(r, repeat, dry, prof, [&] { context = clip->encode(ids, batch); });
    } else if (s == "unet") {
      {
        TensorStore w = src.take("unet");
        unet = std::make_unique<UNet>(be, w, src.unet);
      }
      r.load_s = seconds_since(t0);
      Tensor x = random_tensor({batch, src.unet.in_channels, lat, lat}, rng);
      std::vector<float> ts(size_t(batch), 500.f);
      r.shape = fmt::format("b{} latent {}x{}", batch, lat, lat);
      r.flops = unet->flops(batch, lat, lat, context.dim(1));
      time_stage(r, repeat, dry, prof, [&] { unet->forward(x, ts, context); });
    } else {
      {
        TensorStore w = src.take("vae");
        vae = std::make_unique<VaeDecoder>(be, w, src.vae);
      }
      r.load_s = seconds_since(t0);
      Tensor z = random_tensor({1, src.vae.embed_dim, lat, lat}, rng);
      r.shape = fmt::format("b1 {}x{} image", size, size);
      r.flops = vae->flops(z.shape());
      time_stage(r, repeat, dry, prof, [&] { vae->decode(z); });
    }
    const size_t arena = s == "clip" ? clip->arena_bytes() : s == "unet" ? unet->arena_bytes() : vae->arena_bytes();
    r.arena_mib = double(arena) / (1 << 20);
    r.rss_gb = peak_rss_gb();
    results.push_back(r);
    if (!json)
      std::printf("%-5s %-20s %8.3f s (first %.3f, mean %.3f)  %10.3f GFLOP  %7.1f GFLOP/s  %5.1f%% of peak  "
                  "cpu %7.1f GFLOP/s %5.1f%%  arena %7.1f MiB  rss %.2f GB  load %.1f s\n",
                  r.name.c_str(), r.shape.c_str(), r.best_s, r.first_s, r.mean_s, r.flops / 1e9, r.gflops_s(),
                  100.0 * r.gflops_s() / peak, r.cpu_gflops_s(nthreads), 100.0 * r.cpu_gflops_s(nthreads) / cpu_peak,
                  r.arena_mib, r.rss_gb, r.load_s);
    if (prof && !json && !dry) print_profile(*prof, repeat ? r.mean_s : r.first_s);
    std::fflush(stdout);
  }
  if (json) {
    nlohmann::json j;
    j["weights"] = src.label;
    j["backend"] = backend;
    j["threads"] = nthreads;
    j["size"] = size;
    j["batch"] = batch;
    j["fp32_peak_gflops"] = peak;
    j["fp32_peak"] = {{"avx2", peaks.avx2_gflops}, {"avx512", peaks.avx512_gflops},
                      {"avx2_cpu", peaks.avx2_cpu_gflops}, {"avx512_cpu", peaks.avx512_cpu_gflops}};
    j["peak_rss_gb"] = peak_rss_gb();
    j["arena_reserved_mib"] = double(be.arena().reserved()) / (1 << 20);
    for (auto& r : results)
      j["stages"][r.name] = {{"shape", r.shape},          {"seconds", r.best_s},   {"first_seconds", r.first_s},
                             {"mean_seconds", r.mean_s},   {"flops", r.flops},      {"gflops_per_s", r.gflops_s()},
                             {"fraction_of_peak", r.gflops_s() / peak}, {"arena_mib", r.arena_mib},
                             {"cpu_seconds", r.best_cpu_s}, {"cpu_gflops_per_s", r.cpu_gflops_s(nthreads)},
                             {"cpu_fraction_of_peak", r.cpu_gflops_s(nthreads) / cpu_peak},
                             {"rss_gb_after", r.rss_gb},   {"load_seconds", r.load_s}};
    std::printf("%s\n", j.dump(1).c_str());
  } else {
    std::printf("arena reserved %.1f MiB%s, peak RSS %.2f GB\n", double(be.arena().reserved()) / (1 << 20),
                profile ? " (profiling: backend scratch not included)" : "", peak_rss_gb());
  }
  return 0;
}
}  // namespace

EASEL_COMMAND("bench", "time CLIP encode, UNet eval and VAE decode on random full-size weights", run_bench);
