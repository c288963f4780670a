// Bounded rendering of pickle values (for metadata strings and error messages).
#include <fmt/format.h>

#include "core/tensor.h"
#include "io/pickle_machine.h"

namespace easel::pickle {

namespace {
// Depth-bounded so cyclic or deeply nested values cannot recurse without limit.
void render(const Heap& h, Ref r, int depth, size_t max_len, std::string& out) {
  if (out.size() > max_len) return;
  if (r >= h.values.size()) {
    out += "?";
    return;
  }
  const Value& v = h[r];
  auto seq = [&](const std::vector<Ref>& xs, const char* open, const char* close) {
    out += open;
    if (depth >= 6) {
      out += "...";
    } else {
      for (size_t i = 0; i < xs.size() && out.size() <= max_len; ++i) {
        if (i) out += ", ";
        render(h, xs[i], depth + 1, max_len, out);
      }
    }
    out += close;
  };
  switch (v.kind) {
    case Kind::None: out += "None"; return;
    case Kind::Bool: out += v.i ? "True" : "False"; return;
    case Kind::Int: out += std::to_string(v.i); return;
    case Kind::BigInt: out += v.str; return;
    case Kind::Float: {
      std::string f = fmt::format("{}", v.f);
      if (f.find_first_of(".eni") == std::string::npos) f += ".0";  // Python spells 1.0 so
      out += f;
      return;
    }
    case Kind::Str: out += v.str.substr(0, max_len); return;
    case Kind::Bytes: out += fmt::format("<{} bytes>", v.str.size()); return;
    case Kind::Tuple: seq(v.items, "(", ")"); return;
    case Kind::List: seq(v.items, "[", "]"); return;
    case Kind::Set: seq(v.items, "{", "}"); return;
    case Kind::Dict:
      out += "{";
      if (depth >= 6) out += "...";
      for (size_t i = 0; depth < 6 && i < v.dict.size() && out.size() <= max_len; ++i) {
        if (i) out += ", ";
        render(h, v.dict[i].first, depth + 1, max_len, out);
        out += ": ";
        render(h, v.dict[i].second, depth + 1, max_len, out);
      }
      out += "}";
      return;
    case Kind::Global: out += v.str; return;
    case Kind::Object:
      out += v.str;
      if (v.has_state && depth < 6) {
        out += " ";
        render(h, v.state, depth + 1, max_len, out);
      }
      return;
    case Kind::Storage: out += fmt::format("<storage {} {} x{}>", v.str, dtype_name(v.dtype), v.i); return;
    case Kind::Tensor: out += fmt::format("<tensor {}>", shape_str(v.shape)); return;
  }
}
}  // namespace

std::string repr(const Heap& h, Ref r, size_t max_len) {
  std::string out;
  render(h, r, 0, max_len, out);
  if (out.size() > max_len) out = out.substr(0, max_len) + "...";
  return out;
}

}  // namespace easel::pickle
