// Shared helpers for the text tests: the oracle tokenizer and JSONL reading.
#pragma once
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/oracle.h"
#include "text/tokenizer.h"

namespace easel::test {

inline std::shared_ptr<const text::Tokenizer> oracle_tokenizer() {
  static auto t = text::Tokenizer::load(oracle_dir() / "tokenizer");
  return t;
}

inline std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& p) {
  std::vector<nlohmann::json> rows;
  std::ifstream f(p);
  std::string line;
  while (std::getline(f, line))
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

inline std::string short_text(const std::string& s, size_t n = 70) { return s.size() > n ? s.substr(0, n) + "..." : s; }

}  // namespace easel::test
