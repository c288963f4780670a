// Manual full-size check (skipped unless $EASEL_BIG_MODEL names a checkpoint, e.g. one written by
// `easel dev make-random`): load time, accounting, parameter counts, and resident memory after
// touching every weight page (the mapping is shared with the page cache, so RSS ~ file size).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

#include "naming/canonical_model.h"

using namespace easel;

namespace {
long rss_kb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}
}  // namespace

TEST(BigModel, LoadsWithNothingUnexplained) {
  const char* path = std::getenv("EASEL_BIG_MODEL");
  if (!path || !*path) GTEST_SKIP() << "set EASEL_BIG_MODEL to a full-size checkpoint to run this check";
  long rss0 = rss_kb();
  auto t0 = std::chrono::steady_clock::now();
  CanonicalModel m = load_model(path);
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long rss1 = rss_kb();
  EXPECT_TRUE(m.accounting.unexplained.empty());
  std::printf("%s: layout %s, %zu tensors (%zu mapped, %zu ignored), load %.3f s, RSS %+.1f MB\n", path,
              m.layout.c_str(), m.accounting.total, m.accounting.mapped, m.accounting.ignored, load_s,
              (rss1 - rss0) / 1024.0);
  for (auto& [c, s] : m.components) std::printf("  %-15s %lld params\n", c.c_str(), (long long)count_params(s));
  t0 = std::chrono::steady_clock::now();
  uint64_t sum = 0, bytes = 0;
  for (auto& [c, s] : m.components)
    for (auto& [n, t] : s.tensors) {
      auto* p = static_cast<const uint8_t*>(t.raw());
      for (size_t i = 0; i < t.nbytes(); i += 4096) sum += p[i];
      bytes += t.nbytes();
    }
  double touch_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("  touched %.2f GB of weights in %.2f s: RSS %.1f MB (checksum %llu)\n", bytes / 1e9, touch_s,
              rss_kb() / 1024.0, (unsigned long long)sum);
}
