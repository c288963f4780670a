// `easel dev make-random`: writes a random-weight single-file checkpoint with the exact tensor
// names and shapes of a real architecture (LDM layout), for benchmarks and full-size loader
// tests. Deterministic given --seed; written tensor by tensor so memory stays at one tensor.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "naming/arch_layout.h"

namespace {

using namespace easel;
using naming::Init;
using naming::TensorSpec;

constexpr const char* kUsage =
    "usage: easel dev make-random --arch sd15|sd21|sdxl|sdxl-refiner [--dtype f16|bf16|f32] [--seed N] "
    "OUT.safetensors\n"
    "\n"
    "Writes a checkpoint with the real architecture's tensor names and shapes (LDM single-file layout)\n"
    "and random weights: N(0, 1/fan_in) for linear/conv weights, N(0, 0.02^2) for embeddings, norms\n"
    "with weight 1 and bias 0, so activations stay finite. Same --seed, same bytes.\n"
    "\n"
    "  --arch   architecture (required)\n"
    "  --dtype  float type of the weights (default f16)\n"
    "  --seed   64-bit seed (default 0)\n";

constexpr int64_t kChunk = 1 << 16;  // elements per RNG stream: fixes the output for any thread count

uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Fills out[0..n) with N(0, std^2) from the stream of (tensor seed, chunk index).
void normals(uint64_t tensor_seed, int64_t chunk, float std, float* out, int64_t n) {
  uint64_t s = tensor_seed ^ (uint64_t(chunk) * 0xD1B54A32D192ED03ull);
  for (int64_t i = 0; i < n; i += 2) {
    // Box-Muller on two 53-bit uniforms; u1 in (0, 1] so the log is finite.
    double u1 = double((splitmix64(s) >> 11) + 1) * 0x1.0p-53;
    double u2 = double(splitmix64(s) >> 11) * 0x1.0p-53;
    double r = std::sqrt(-2.0 * std::log(u1)) * std;
    out[i] = float(r * std::cos(2 * M_PI * u2));
    if (i + 1 < n) out[i + 1] = float(r * std::sin(2 * M_PI * u2));
  }
}

void fill(const TensorSpec& t, uint64_t seed, DType dtype, std::vector<uint8_t>& buf) {
  const int64_t n = shape_numel(t.shape);
  if (t.dtype == DType::I64) {
    buf.resize(size_t(n) * 8);
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = t.shape.empty() ? 0 : i % t.shape.back();
      std::memcpy(buf.data() + i * 8, &v, 8);
    }
    return;
  }
  const size_t es = dtype_size(dtype);
  buf.resize(size_t(n) * es);
  const int64_t fan_in = t.shape.size() >= 2 ? n / t.shape[0] : 1;
  const float std = t.init == Init::Embedding ? 0.02f : float(1.0 / std::sqrt(double(fan_in)));
  const uint64_t tseed = seed ^ fnv1a(t.name);
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  parallel_for(chunks, [&](int64_t c0, int64_t c1) {
    std::vector<float> tmp(kChunk);
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t b = c * kChunk, m = std::min(kChunk, n - b);
      switch (t.init) {
        case Init::Normal:
        case Init::Embedding: normals(tseed, c, std, tmp.data(), m); break;
        case Init::One: std::fill_n(tmp.data(), m, 1.f); break;
        case Init::Zero: std::fill_n(tmp.data(), m, 0.f); break;
        case Init::LogitScale: std::fill_n(tmp.data(), m, float(std::log(1 / 0.07))); break;
        case Init::PositionIds: for (int64_t i = 0; i < m; ++i) tmp[i] = float(b + i); break;
      }
      uint8_t* dst = buf.data() + b * es;
      for (int64_t i = 0; i < m; ++i) {
        if (dtype == DType::F32) {
          std::memcpy(dst + i * 4, &tmp[i], 4);
        } else {
          uint16_t h = dtype == DType::F16 ? f32_to_f16(tmp[i]) : f32_to_bf16(tmp[i]);
          std::memcpy(dst + i * 2, &h, 2);
        }
      }
    }
  });
}

void write_checkpoint(const std::string& out, const std::string& arch, DType dtype, uint64_t seed) {
  std::vector<TensorSpec> specs = naming::checkpoint_layout(arch);
  std::sort(specs.begin(), specs.end(), [](auto& a, auto& b) { return a.name < b.name; });
  nlohmann::json header;
  header["__metadata__"] = {{"format", "pt"},
                            {"easel.make_random", fmt::format("arch={} dtype={} seed={}", arch, dtype_name(dtype), seed)}};
  uint64_t off = 0;
  for (auto& t : specs) {
    DType d = t.dtype == DType::I64 ? DType::I64 : dtype;
    uint64_t bytes = uint64_t(shape_numel(t.shape)) * dtype_size(d);
    header[t.name] = {{"dtype", dtype_name(d)}, {"shape", t.shape}, {"data_offsets", {off, off + bytes}}};
    off += bytes;
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');
  const std::string tmp = out + ".part";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) fail("{}: cannot create", tmp);
  auto put = [&](const void* p, size_t n) {
    if (std::fwrite(p, 1, n, f) != n) {
      std::fclose(f);
      std::remove(tmp.c_str());
      fail("{}: write failed (disk full?)", tmp);
    }
  };
  uint64_t hlen = h.size();
  put(&hlen, 8);
  put(h.data(), h.size());
  std::vector<uint8_t> buf;
  for (auto& t : specs) {
    fill(t, seed, dtype, buf);
    put(buf.data(), buf.size());
  }
  if (std::fclose(f) != 0) fail("{}: write failed", tmp);
  std::filesystem::rename(tmp, out);
  std::fprintf(stderr, "wrote %s: %s, %zu tensors, %.2f GB\n", out.c_str(), arch.c_str(), specs.size(),
               double(8 + h.size() + off) / 1e9);
}

int run_make_random(const std::vector<std::string>& args) {
  std::string arch, out, dtype_s = "f16";
  uint64_t seed = 0;
  auto usage_error = [](const std::string& msg) {
    std::fprintf(stderr, "easel dev make-random: %s\n%s", msg.c_str(), kUsage);
    return 2;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return 0;
    } else if (a == "--arch") {
      if (!value(arch)) return usage_error("--arch needs a value");
    } else if (a == "--dtype") {
      if (!value(dtype_s)) return usage_error("--dtype needs a value");
    } else if (a == "--seed") {
      std::string s;
      if (!value(s)) return usage_error("--seed needs a value");
      char* end = nullptr;
      errno = 0;
      seed = std::strtoull(s.c_str(), &end, 10);
      if (s.empty() || *end || errno || s[0] == '-') return usage_error("--seed must be a non-negative integer, got '" + s + "'");
    } else if (!a.empty() && a[0] == '-') {
      return usage_error("unknown option '" + a + "'");
    } else if (out.empty()) {
      out = a;
    } else {
      return usage_error("one output file expected");
    }
  }
  if (arch.empty()) return usage_error("--arch is required");
  auto known = naming::known_archs();
  if (std::find(known.begin(), known.end(), arch) == known.end())
    return usage_error("unknown --arch '" + arch + "' (sd15, sd21, sdxl, sdxl-refiner)");
  DType dtype;
  if (dtype_s == "f16") dtype = DType::F16;
  else if (dtype_s == "bf16") dtype = DType::BF16;
  else if (dtype_s == "f32") dtype = DType::F32;
  else return usage_error("unknown --dtype '" + dtype_s + "' (f16, bf16, f32)");
  if (out.empty()) return usage_error("missing OUT.safetensors");
  write_checkpoint(out, arch, dtype, seed);
  return 0;
}

}  // namespace

EASEL_COMMAND("dev make-random", "write a random-weight checkpoint of a real architecture", run_make_random);
