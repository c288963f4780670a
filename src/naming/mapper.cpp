// The table interpreter: routing, rule matching with table variables and `when` conditions,
// and the view transforms (reshape, q/k/v split) applied to the mapped tensors.
#include "naming/mapper.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>

#include "core/error.h"
#include "naming/name_pattern.h"

namespace easel::naming {

namespace {

struct Mapped {
  std::vector<std::string> names;  // 1, or 3 for a q/k/v split
  Xform xform = Xform::None;
};

// The names routed to one table: used for table variables and `when` conditions.
struct RoutedSet {
  std::vector<std::string> names;
  std::map<std::string, bool> when_cache;
  bool any_match(const std::string& pattern) {
    auto it = when_cache.find(pattern);
    if (it != when_cache.end()) return it->second;
    bool hit = std::any_of(names.begin(), names.end(), [&](auto& n) { return match_pattern(pattern, n).has_value(); });
    when_cache[pattern] = hit;
    return hit;
  }
};

Vars table_vars(const RuleTable& t, const std::vector<std::string>& names) {
  Vars v;
  for (auto& def : t.vars) {
    long best = -1;
    for (auto& n : names)
      if (auto c = match_pattern(def.pattern, n)) {
        auto it = c->vars.find(def.capture);
        if (it != c->vars.end()) best = std::max(best, it->second);
      }
    if (best >= 0) v[std::string(def.name)] = best + 1;
  }
  return v;
}

std::optional<Mapped> map_name(const RuleTable& t, std::string_view name, const Vars& base, RoutedSet* set) {
  for (auto& rule : t.rules) {
    auto c = match_pattern(rule.from, name);
    if (!c) continue;
    Vars v = base;
    for (auto& [k, x] : c->vars) v[k] = x;
    if (!rule.when.empty() && (!set || !set->any_match(expand_pattern(rule.when, v, "*")))) continue;
    Mapped m;
    m.xform = rule.xform;
    if (rule.inner) {
      auto in = map_name(*rule.inner, c->rest, v, nullptr);
      if (!in) continue;
      for (auto& n : in->names) m.names.push_back(expand_pattern(rule.to, v, n));
      if (in->xform != Xform::None) m.xform = in->xform;
    } else if (rule.xform == Xform::SplitQKV) {
      for (const char* part : {"q", "k", "v"}) m.names.push_back(expand_pattern(rule.to, v, c->rest, part));
    } else if (rule.to.empty()) {
      m.names.emplace_back(name);
    } else {
      m.names.push_back(expand_pattern(rule.to, v, c->rest));
    }
    return m;
  }
  return std::nullopt;
}

std::vector<Tensor> apply_xform(const Tensor& t, Xform x, const std::string& src) {
  const Shape& s = t.shape();
  switch (x) {
    case Xform::None:
      return {t};
    case Xform::Conv1x1:
      if (s.size() == 2) return {t.reshaped({s[0], s[1], 1, 1})};
      if (s.size() == 3 && s[1] == 1 && s[2] == 1) return {t.reshaped({s[0]})};
      if (s.size() == 1 || (s.size() == 4 && s[2] == 1 && s[3] == 1)) return {t};
      fail("tensor '{}': shape {} is not a 1x1 convolution weight or bias", src, shape_str(s));
    case Xform::SplitQKV: {
      if (s.empty() || s[0] % 3 != 0)
        fail("tensor '{}': shape {} cannot be split into q/k/v along the first dimension", src, shape_str(s));
      Shape part = s;
      part[0] /= 3;
      size_t bytes = t.nbytes() / 3;
      auto* base = static_cast<uint8_t*>(const_cast<void*>(t.raw()));
      std::vector<Tensor> out;
      for (int p = 0; p < 3; ++p) out.push_back(Tensor::view(part, t.dtype(), base + p * bytes, t.holder()));
      return out;
    }
    case Xform::Transpose: {
      if (s.size() != 2) fail("tensor '{}': shape {} is not a matrix and cannot be transposed", src, shape_str(s));
      Tensor out = Tensor::empty({s[1], s[0]}, t.dtype());
      const size_t es = dtype_size(t.dtype());
      auto* in = static_cast<const uint8_t*>(t.raw());
      auto* o = static_cast<uint8_t*>(out.raw());
      for (int64_t r = 0; r < s[0]; ++r)
        for (int64_t c = 0; c < s[1]; ++c) std::memcpy(o + (c * s[0] + r) * es, in + (r * s[1] + c) * es, es);
      return {out};
    }
  }
  return {t};
}

struct Routed {
  const std::string* source;
  std::string rest;
};

// Shared by map_store and layout_coverage: calls `on_map` for each mapped tensor.
Accounting run(const TensorStore& src, const Layout& layout, std::set<std::string>* flags,
               const std::function<void(const std::string&, const Route&, const Mapped&)>& on_map) {
  Accounting acc;
  std::vector<std::vector<Routed>> by_route(layout.routes.size());
  for (auto& [name, t] : src.tensors) {
    ++acc.total;
    const IgnoreRule* ign = nullptr;
    for (auto& ig : layout.ignores)
      if (match_pattern(ig.pattern, name)) {
        ign = &ig;
        break;
      }
    if (ign) {
      ++acc.ignored;
      ++acc.ignored_by_reason[std::string(ign->why)];
      if (flags && !ign->flag.empty()) flags->insert(std::string(ign->flag));
      continue;
    }
    bool routed = false;
    for (size_t r = 0; r < layout.routes.size() && !routed; ++r)
      if (auto c = match_pattern(layout.routes[r].from, name)) {
        by_route[r].push_back({&name, c->rest});
        routed = true;
      }
    if (!routed) acc.unexplained.push_back(name);
  }
  for (size_t r = 0; r < layout.routes.size(); ++r) {
    const Route& route = layout.routes[r];
    RoutedSet set;
    for (auto& e : by_route[r]) set.names.push_back(e.rest);
    Vars vars = table_vars(*route.table, set.names);
    for (auto& e : by_route[r]) {
      auto m = map_name(*route.table, e.rest, vars, &set);
      if (!m) {
        acc.unexplained.push_back(*e.source);
        continue;
      }
      ++acc.mapped;
      on_map(*e.source, route, *m);
    }
  }
  std::sort(acc.unexplained.begin(), acc.unexplained.end());
  return acc;
}

}  // namespace

MapResult map_store(const TensorStore& src, const Layout& layout) {
  MapResult res;
  std::map<std::string, std::string> origin;  // component/name -> source, for duplicate reports
  res.accounting = run(src, layout, &res.flags, [&](const std::string& source, const Route& route, const Mapped& m) {
    auto parts = apply_xform(src.tensors.at(source), m.xform, source);
    TensorStore& comp = res.components[std::string(route.component)];
    if (comp.path.empty()) {
      comp.format = src.format;
      comp.path = src.path;
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      std::string key = std::string(route.component) + "/" + m.names[i];
      auto [it, fresh] = origin.emplace(key, source);
      if (!fresh)
        fail("{}: tensors '{}' and '{}' both map to {} '{}'", src.path, it->second, source, route.component,
             m.names[i]);
      comp.tensors.emplace(m.names[i], parts[i]);
    }
  });
  return res;
}

size_t layout_coverage(const TensorStore& src, const Layout& layout) {
  return run(src, layout, nullptr, [](auto&, auto&, auto&) {}).mapped;
}

}  // namespace easel::naming
