// CSV reading for styles.csv: quoted fields with doubled quotes and embedded newlines.
#include "server/styles.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace easel::server {

static std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
  return rows;
}

std::vector<PromptStyle> load_styles(const std::string& path) {
  std::vector<PromptStyle> out;
  if (path.empty() || !std::filesystem::exists(path)) return out;
  std::ifstream f(path, std::ios::binary);
  if (!f) fail("{}: cannot read the styles file", path);
  std::stringstream ss;
  ss << f.rdbuf();
  auto rows = parse_csv(ss.str());
  if (rows.empty()) return out;
  int ni = -1, pi = -1, npi = -1;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == "name") ni = int(i);
    if (rows[0][i] == "prompt") pi = int(i);
    if (rows[0][i] == "negative_prompt") npi = int(i);
  }
  if (ni < 0) fail("{}: expected a header row with a 'name' column", path);
  for (size_t r = 1; r < rows.size(); ++r) {
    auto& row = rows[r];
    auto col = [&](int i) { return i >= 0 && size_t(i) < row.size() ? row[size_t(i)] : std::string(); };
    if (col(ni).empty()) continue;
    out.push_back({col(ni), col(pi), col(npi)});
  }
  return out;
}

}  // namespace easel::server
