// load_model / canonicalize: picks the name layout, runs the mapper, enforces strict accounting.
#include "naming/canonical_model.h"

#include <filesystem>

#include "core/error.h"
#include "core/log.h"
#include "io/safetensors.h"
#include "naming/weights_source.h"

namespace easel {

namespace {

void enforce(const CanonicalModel& m, const LoadOptions& opts) {
  auto& un = m.accounting.unexplained;
  if (un.empty()) return;
  std::string list;
  for (size_t i = 0; i < un.size() && i < 40; ++i) list += "\n  " + un[i];
  if (un.size() > 40) list += fmt::format("\n  ... and {} more", un.size() - 40);
  if (opts.lenient) {
    log_warn("{}: {} tensor(s) not used by the {} layout (lenient):{}", m.path, un.size(), m.layout, list);
    return;
  }
  fail("{}: {} tensor(s) are neither mapped by the {} layout nor explicitly ignored:{}", m.path, un.size(),
       m.layout, list);
}

void merge(naming::Accounting& into, const naming::Accounting& a, const std::string& prefix) {
  into.total += a.total;
  into.mapped += a.mapped;
  into.ignored += a.ignored;
  for (auto& [k, v] : a.ignored_by_reason) into.ignored_by_reason[k] += v;
  for (auto& n : a.unexplained) into.unexplained.push_back(prefix + n);
}

}  // namespace

const TensorStore& CanonicalModel::at(const std::string& c) const {
  auto it = components.find(c);
  if (it == components.end()) fail("{}: the model has no '{}' component", path, c);
  return it->second;
}

int64_t count_params(const TensorStore& s) {
  int64_t n = 0;
  for (auto& [_, t] : s.tensors)
    if (dtype_is_float(t.dtype())) n += t.numel();
  return n;
}

CanonicalModel canonicalize(const TensorStore& store, const LoadOptions& opts) {
  const naming::Layout* best = nullptr;
  size_t best_n = 0;
  for (const naming::Layout* l : naming::single_file_layouts()) {
    size_t n = naming::layout_coverage(store, *l);
    if (n > best_n) best = l, best_n = n;
  }
  if (!best) {
    std::string some;
    size_t k = 0;
    for (auto& [name, _] : store.tensors) {
      if (k++ == 8) break;
      some += "\n  " + name;
    }
    fail("{}: not a known model layout (checkpoint, VAE, LoRA, embedding): none of its {} tensors has a known "
         "name; first names:{}",
         store.path, store.tensors.size(), some);
  }
  auto res = naming::map_store(store, *best);
  CanonicalModel m;
  m.path = store.path;
  m.format = store.format;
  m.layout = std::string(best->name);
  m.components = std::move(res.components);
  m.metadata = store.metadata;
  m.flags = std::move(res.flags);
  m.accounting = std::move(res.accounting);
  enforce(m, opts);
  return m;
}

CanonicalModel canonicalize(const DiffusersFolder& folder, const LoadOptions& opts) {
  CanonicalModel m;
  m.path = folder.path;
  m.format = "diffusers";
  m.layout = "diffusers";
  m.tokenizer_dir = folder.tokenizer_dir;
  m.tokenizer_2_dir = folder.tokenizer_2_dir;
  for (auto& [name, comp] : folder.components) {
    const naming::Layout* layout = naming::diffusers_component_layout(name);
    if (!layout) {
      const naming::IgnoreRule* ign = nullptr;
      for (auto& r : naming::ignored_diffusers_components())
        if (r.pattern == name) ign = &r;
      naming::Accounting a;
      a.total = comp.weights.tensors.size();
      if (ign) {
        a.ignored = a.total;
        a.ignored_by_reason[std::string(ign->why)] = a.total;
      } else {
        for (auto& [n, _] : comp.weights.tensors) a.unexplained.push_back(n);
      }
      merge(m.accounting, a, name + "/");
      continue;
    }
    auto res = naming::map_store(comp.weights, *layout);
    merge(m.accounting, res.accounting, name + "/");
    for (auto& [cname, store] : res.components) {
      if (m.components.count(cname)) fail("{}: two diffusers folders provide the '{}' component", folder.path, cname);
      m.components[cname] = std::move(store);
    }
    m.flags.insert(res.flags.begin(), res.flags.end());
    if (!comp.config.is_null()) m.configs[name] = comp.config;
    for (auto& [k, v] : comp.weights.metadata) m.metadata[name + "." + k] = v;
  }
  enforce(m, opts);
  return m;
}

CanonicalModel load_model(const std::string& path, const LoadOptions& opts) {
  if (std::filesystem::is_directory(path)) return canonicalize(naming::open_diffusers(path, opts.variant), opts);
  return canonicalize(naming::open_weights(path), opts);
}

}  // namespace easel
