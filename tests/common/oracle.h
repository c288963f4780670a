// Test helpers: where the oracle lives ($EASEL_ORACLE, default ../shared/oracle from the repo
// root), listing its case files, and tensor comparison.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace easel::test {

std::filesystem::path oracle_dir();
// Every regular file in oracle_dir()/sub whose name ends with `suffix`, sorted.
std::vector<std::filesystem::path> oracle_files(const std::string& sub, const std::string& suffix);
std::filesystem::path repo_dir();
std::filesystem::path build_dir();
// A fresh empty directory under the build tree for a test's outputs.
std::filesystem::path temp_dir(const std::string& name);

struct Diff {
  double max_abs = 0, max_ref = 0, nmse = 0;
  double rel() const { return max_ref > 0 ? max_abs / max_ref : max_abs; }
};
Diff compare(const float* got, const float* want, size_t n);

}  // namespace easel::test
