// Oracle location and comparison helpers shared by every test executable.
#include "common/oracle.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace easel::test {

std::filesystem::path repo_dir() { return EASEL_SOURCE_DIR; }
std::filesystem::path build_dir() { return EASEL_BINARY_DIR; }

std::filesystem::path oracle_dir() {
  if (const char* e = std::getenv("EASEL_ORACLE"); e && *e) return e;
  return repo_dir() / ".." / "shared" / "oracle";
}

std::vector<std::filesystem::path> oracle_files(const std::string& sub, const std::string& suffix) {
  std::vector<std::filesystem::path> out;
  auto dir = oracle_dir() / sub;
  if (!std::filesystem::is_directory(dir)) return out;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    auto n = e.path().filename().string();
    if (e.is_regular_file() && n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto d = build_dir() / "test-tmp" / name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

Diff compare(const float* got, const float* want, size_t n) {
  Diff d;
  double se = 0, sr = 0;
  for (size_t i = 0; i < n; ++i) {
    double e = double(got[i]) - double(want[i]);
    d.max_abs = std::max(d.max_abs, std::fabs(e));
    d.max_ref = std::max(d.max_ref, std::fabs(double(want[i])));
    se += e * e;
    sr += double(want[i]) * want[i];
    if (std::isnan(got[i]) != std::isnan(want[i])) d.max_abs = INFINITY;
  }
  d.nmse = sr > 0 ? se / sr : se;
  return d;
}

}  // namespace easel::test
