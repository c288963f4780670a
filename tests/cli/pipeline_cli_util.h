// Running the easel executable from the CLI pipeline tests: quoting, exit code, captured
// stdout/stderr, and the tiny model set's paths.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/oracle.h"

namespace easel::test {

struct RunResult {
  int code = -1;
  std::string out, err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs `easel ARGS...` with stdout/stderr captured to files in `scratch`.
inline RunResult run_easel(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                           const std::string& env = "") {
  std::filesystem::create_directories(scratch);
  std::string cmd = env;
  if (!cmd.empty()) cmd += ' ';
  cmd += shell_quote((build_dir() / "easel").string());
  for (auto& a : args) cmd += " " + shell_quote(a);
  const auto o = scratch / "stdout.txt", e = scratch / "stderr.txt";
  cmd += " >" + shell_quote(o.string()) + " 2>" + shell_quote(e.string());
  RunResult r;
  int st = std::system(cmd.c_str());
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = slurp(o);
  r.err = slurp(e);
  return r;
}

inline std::vector<std::filesystem::path> files_in(const std::filesystem::path& d, const std::string& ext = ".png") {
  std::vector<std::filesystem::path> v;
  if (!std::filesystem::is_directory(d)) return v;
  for (auto& e : std::filesystem::directory_iterator(d))
    if (e.is_regular_file() && e.path().extension() == ext) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace easel::test
