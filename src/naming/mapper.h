// Applies a name layout (name_rules.h) to the tensors of one store: every tensor is mapped to
// (component, canonical name), matched by an ignore pattern, or reported as unexplained.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "io/tensor_store.h"
#include "naming/name_rules.h"

namespace easel::naming {

// Where every tensor of a load went.
struct Accounting {
  size_t total = 0, mapped = 0, ignored = 0;
  std::map<std::string, size_t> ignored_by_reason;  // reason -> count
  std::vector<std::string> unexplained;             // source names, sorted
};

struct MapResult {
  std::map<std::string, TensorStore> components;  // canonical names, views on the source data
  Accounting accounting;
  std::set<std::string> flags;
};

// Maps `src` with `layout`. Views share the source's memory; only Transpose copies.
// Throws Error if two source tensors map to the same canonical name or a transform does not fit.
MapResult map_store(const TensorStore& src, const Layout& layout);

// Number of tensors of `src` that `layout` maps (not counting ignores): the layout score.
size_t layout_coverage(const TensorStore& src, const Layout& layout);

}  // namespace easel::naming
