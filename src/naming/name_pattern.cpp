// Pattern matching and expansion for the name tables (see name_pattern.h for the syntax).
#include "naming/name_pattern.h"

#include <cctype>

#include "core/error.h"

namespace easel::naming {

namespace {

// Backtracking matcher: patterns are short and have at most a couple of `*`, so this is cheap.
bool match_at(std::string_view p, std::string_view s, Captures& c, bool star_taken) {
  while (!p.empty()) {
    if (p[0] == '*') {
      std::string_view after = p.substr(1);
      if (after.empty()) {  // the common case: `*` ends the pattern
        if (!star_taken) c.rest = std::string(s);
        return true;
      }
      const bool has_vars = after.find('{') != std::string_view::npos;
      for (size_t k = s.size() + 1; k-- > 0;) {  // longest first
        Vars saved;
        if (has_vars) saved = c.vars;
        if (match_at(after, s.substr(k), c, true)) {
          if (!star_taken) c.rest = std::string(s.substr(0, k));
          return true;
        }
        if (has_vars) c.vars = std::move(saved);
      }
      return false;
    }
    if (p[0] == '{') {
      size_t close = p.find('}');
      if (close == std::string_view::npos) fail("name pattern '{}': unclosed '{{'", p);
      std::string_view var = p.substr(1, close - 1);
      size_t k = 0;
      while (k < s.size() && k < 9 && std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
      if (k == 0) return false;
      if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) return false;  // > 9 digits
      long v = std::stol(std::string(s.substr(0, k)));
      auto it = c.vars.find(var);
      if (it != c.vars.end() && it->second != v) return false;  // same variable twice must agree
      c.vars[std::string(var)] = v;
      p = p.substr(close + 1);
      s = s.substr(k);
      continue;
    }
    if (s.empty() || s[0] != p[0]) return false;
    p = p.substr(1);
    s = s.substr(1);
  }
  return s.empty();
}

struct ExprParser {
  std::string_view e;
  const Vars& vars;
  size_t pos = 0;

  void skip() {
    while (pos < e.size() && e[pos] == ' ') ++pos;
  }
  long primary() {
    skip();
    if (pos < e.size() && e[pos] == '(') {
      ++pos;
      long v = sum();
      skip();
      if (pos >= e.size() || e[pos] != ')') fail("index expression '{}': missing ')'", e);
      ++pos;
      return v;
    }
    if (pos < e.size() && e[pos] == '-') {
      ++pos;
      return -primary();
    }
    size_t b = pos;
    if (pos < e.size() && std::isdigit(static_cast<unsigned char>(e[pos]))) {
      while (pos < e.size() && std::isdigit(static_cast<unsigned char>(e[pos]))) ++pos;
      return std::stol(std::string(e.substr(b, pos - b)));
    }
    while (pos < e.size() && (std::isalnum(static_cast<unsigned char>(e[pos])) || e[pos] == '_')) ++pos;
    if (b == pos) fail("index expression '{}': unexpected character at {}", e, pos);
    auto it = vars.find(e.substr(b, pos - b));
    if (it == vars.end()) fail("index expression '{}': unknown variable '{}'", e, e.substr(b, pos - b));
    return it->second;
  }
  long product() {
    long v = primary();
    for (skip(); pos < e.size() && e[pos] == '*'; skip()) {
      ++pos;
      v *= primary();
    }
    return v;
  }
  long sum() {
    long v = product();
    for (skip(); pos < e.size() && (e[pos] == '+' || e[pos] == '-'); skip()) {
      char op = e[pos++];
      long r = product();
      v = op == '+' ? v + r : v - r;
    }
    return v;
  }
};

}  // namespace

std::optional<Captures> match_pattern(std::string_view pattern, std::string_view name) {
  Captures c;
  if (!match_at(pattern, name, c, false)) return std::nullopt;
  return c;
}

long eval_index_expr(std::string_view expr, const Vars& vars) {
  ExprParser p{expr, vars};
  long v = p.sum();
  p.skip();
  if (p.pos != expr.size()) fail("index expression '{}': trailing text", expr);
  return v;
}

std::string expand_pattern(std::string_view pattern, const Vars& vars, std::string_view rest,
                           std::string_view qkv) {
  std::string out;
  out.reserve(pattern.size() + rest.size() + 8);
  for (size_t i = 0; i < pattern.size(); ++i) {
    char ch = pattern[i];
    if (ch == '*') {
      out += rest;
    } else if (ch == '{') {
      size_t close = pattern.find('}', i);
      if (close == std::string_view::npos) fail("name pattern '{}': unclosed '{{'", pattern);
      std::string_view expr = pattern.substr(i + 1, close - i - 1);
      if (expr == "qkv") {
        if (qkv.empty()) fail("name pattern '{}': {{qkv}} outside a split rule", pattern);
        out += qkv;
      } else {
        long v = eval_index_expr(expr, vars);
        if (v < 0) fail("name pattern '{}': index expression '{}' is negative ({})", pattern, expr, v);
        out += std::to_string(v);
      }
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace easel::naming
