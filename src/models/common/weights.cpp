// Shape-checked weight access, the unused-tensor accounting, and the release of mapped pages
// once a model is built.
#include "models/common/weights.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "core/error.h"
#include "core/mapped_file.h"

namespace easel {

WeightReader::WeightReader(const TensorStore& store, std::string component)
    : store_(store), component_(std::move(component)) {}

WeightReader::~WeightReader() {
  // A page shared by two tensors is whole only here, when every tensor of the store is done.
  // Tensors a model keeps as views (CLIP's token embedding) just fault their rows back in.
  // Adjacent tensors are merged so that the pages they share are released too.
  std::vector<std::pair<uintptr_t, uintptr_t>> ranges;
  for (auto& [name, t] : store_.tensors)
    if (used_.count(name) && t.nbytes()) ranges.emplace_back(uintptr_t(t.raw()), uintptr_t(t.raw()) + t.nbytes());
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 0; i < ranges.size();) {
    auto [b, e] = ranges[i];
    for (++i; i < ranges.size() && ranges[i].first <= e + 64; ++i) e = std::max(e, ranges[i].second);
    MappedFile::release_pages(reinterpret_cast<const void*>(b), e - b);
  }
}

const Shape& WeightReader::shape_of(const std::string& name) const {
  auto it = store_.tensors.find(name);
  if (it == store_.tensors.end())
    fail("{} weights ({}): missing tensor '{}'", component_, store_.path.empty() ? "in memory" : store_.path,
         name);
  return it->second.shape();
}

const Tensor& WeightReader::get(const std::string& name, const Shape& shape) {
  const Shape& s = shape_of(name);
  const Tensor& t = store_.tensors.at(name);
  if (s != shape)
    fail("{} weights ({}): tensor '{}' has shape {}, the architecture needs {}", component_,
         store_.path.empty() ? "in memory" : store_.path, name, shape_str(s), shape_str(shape));
  if (!dtype_is_float(t.dtype()))
    fail("{} weights: tensor '{}' is {}, expected a float type", component_, name, dtype_name(t.dtype()));
  used_.insert(name);
  return t;
}

Tensor WeightReader::f32(const std::string& name, const Shape& shape) { return get(name, shape).to_f32(); }

void WeightReader::ignore(const std::string& name) {
  if (store_.has(name)) used_.insert(name);
}

void WeightReader::check_all_used(const std::vector<std::string>& prefixes) const {
  std::vector<std::string> unused;
  for (auto& [name, t] : store_.tensors) {
    bool in_scope = prefixes.empty();
    for (auto& p : prefixes) in_scope = in_scope || name.rfind(p, 0) == 0;
    if (in_scope && !used_.count(name)) unused.push_back(name);
  }
  if (unused.empty()) return;
  std::string list;
  for (size_t i = 0; i < unused.size() && i < 10; ++i) list += (i ? ", " : "") + unused[i];
  if (unused.size() > 10) list += ", ...";
  fail("{} weights ({}): {} tensor(s) not used by the inferred architecture: {}", component_,
       store_.path.empty() ? "in memory" : store_.path, unused.size(), list);
}

}  // namespace easel
