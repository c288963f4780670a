// Name patterns used by the mapping tables: `{i}` captures a decimal index, `*` captures any
// text; on the output side `{expr}` is an index expression (+ - * and parentheses over captured
// and table variables) and `*` the captured text.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace easel::naming {

using Vars = std::map<std::string, long, std::less<>>;

// Captures of one match: the `{name}` indices and the text of the (first) `*`.
struct Captures {
  Vars vars;
  std::string rest;
};

// Matches `name` against `pattern` as a whole; nullopt when it does not match.
std::optional<Captures> match_pattern(std::string_view pattern, std::string_view name);

// Expands an output pattern: `{expr}` evaluated over `vars`, `*` replaced by `rest`,
// `{qkv}` replaced by `qkv` (the split part name). Throws Error on a malformed pattern or
// an expression using an unknown variable (a table bug, caught by the table tests).
std::string expand_pattern(std::string_view pattern, const Vars& vars, std::string_view rest,
                           std::string_view qkv = {});

// Evaluates an index expression such as "i*(n+1)+j+1".
long eval_index_expr(std::string_view expr, const Vars& vars);

}  // namespace easel::naming
