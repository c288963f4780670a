// Infotext formatting and parsing (see infotext.h).
#include "pipeline/infotext.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace easel {

std::string infotext_quote(const std::string& v) {
  if (v.find_first_of(",\n:") == std::string::npos) return v;
  return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string format_infotext(const std::string& prompt, const std::string& negative, const InfotextFields& fields) {
  std::string params;
  for (auto& [k, v] : fields) {
    if (v.empty()) continue;
    if (!params.empty()) params += ", ";
    params += (k == v) ? k : k + ": " + infotext_quote(v);
  }
  std::string out = prompt;
  if (!negative.empty()) out += "\nNegative prompt: " + negative;
  out += "\n" + params;
  // Python's str.strip(): whitespace at both ends.
  size_t b = out.find_first_not_of(" \t\r\n\v\f"), e = out.find_last_not_of(" \t\r\n\v\f");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

const std::string* ParsedInfotext::get(const std::string& key) const {
  for (auto& [k, v] : fields)
    if (k == key) return &v;
  return nullptr;
}

namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }

// One match of A1111's re_param: \s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)
// searched from `pos` like re.findall (skipping characters that cannot start a match).
bool next_param(const std::string& s, size_t& pos, std::string& key, std::string& val) {
  for (size_t start = pos; start < s.size(); ++start) {
    size_t i = start;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size() || !is_word(s[i])) continue;
    // Key: \w then [\w \-/]+ greedy, then backtrack to the last ':' reachable.
    size_t k_end = i + 1;
    while (k_end < s.size() && (is_word(s[k_end]) || s[k_end] == ' ' || s[k_end] == '-' || s[k_end] == '/')) ++k_end;
    // The key must be followed directly by ':'; backtracking can only shorten the key, and a
    // shorter key is followed by a key character, not ':', so only the greedy end works.
    if (k_end >= s.size() || s[k_end] != ':' || k_end - i < 2) continue;
    size_t j = k_end + 1;
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    std::string v;
    size_t end;
    bool quoted = false;
    if (j < s.size() && s[j] == '"') {
      size_t q = j + 1;
      bool ok = false;
      while (q < s.size()) {
        if (s[q] == '\\' && q + 1 < s.size()) q += 2;
        else if (s[q] == '"') { ok = true; break; }
        else ++q;
      }
      if (ok && q > j + 1 && (q + 1 == s.size() || s[q + 1] == ',')) {
        v = s.substr(j, q + 1 - j);
        end = q + 1;
        quoted = true;
      }
    }
    if (!quoted) {
      size_t c = s.find(',', j);
      end = c == std::string::npos ? s.size() : c;
      v = s.substr(j, end - j);
    }
    key = s.substr(i, k_end - i);
    val = v;
    pos = end < s.size() ? end + 1 : s.size();
    return true;
  }
  pos = s.size();
  return false;
}

std::string unquote(const std::string& v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return v;
  try {
    return nlohmann::json::parse(v).get<std::string>();
  } catch (...) {
    return v;
  }
}

std::string strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f"), e = s.find_last_not_of(" \t\r\n\v\f");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

ParsedInfotext parse_infotext(const std::string& text) {
  ParsedInfotext r;
  std::vector<std::string> lines;
  std::string t = strip(text);
  size_t p = 0;
  for (;;) {
    size_t n = t.find('\n', p);
    lines.push_back(t.substr(p, n == std::string::npos ? std::string::npos : n - p));
    if (n == std::string::npos) break;
    p = n + 1;
  }
  std::string last = lines.back();
  lines.pop_back();
  InfotextFields params;
  {
    size_t pos = 0;
    std::string k, v;
    while (next_param(last, pos, k, v)) params.emplace_back(k, v);
  }
  if (params.size() < 3) {
    lines.push_back(last);
    params.clear();
  }
  bool done_with_prompt = false;
  for (auto line : lines) {
    line = strip(line);
    if (line.rfind("Negative prompt:", 0) == 0) {
      done_with_prompt = true;
      line = strip(line.substr(16));
    }
    std::string& dst = done_with_prompt ? r.negative_prompt : r.prompt;
    dst += (dst.empty() ? "" : "\n") + line;
  }
  for (auto& [k, v] : params) r.fields.emplace_back(k, (!v.empty() && v.front() == '"' && v.back() == '"') ? unquote(v) : v);
  return r;
}

std::string py_float(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e16) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
  }
  // Shortest repr that round-trips, as Python's repr(float).
  char buf[64];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace easel
