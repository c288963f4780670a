// WeightReader: typed, shape-checked access to one component's canonical weight store, with an
// account of which tensors a model used so that a file with tensors no model reads is rejected.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "io/tensor_store.h"

namespace easel {

class WeightReader {
 public:
  // `component` names the store in messages ("unet", "vae", "text_encoder").
  WeightReader(const TensorStore& store, std::string component);
  // The model has made its converted copies by now: the used tensors' pages of a mapped file
  // are handed back (leftovers at tensor edges the backend's per-weight release could not drop).
  ~WeightReader();
  WeightReader(const WeightReader&) = delete;
  WeightReader& operator=(const WeightReader&) = delete;

  bool has(const std::string& name) const { return store_.has(name); }
  // The tensor in its stored dtype; fails naming the tensor when absent or of another shape.
  const Tensor& get(const std::string& name, const Shape& shape);
  // A float32 copy (norm gammas/betas, embeddings used on the host).
  Tensor f32(const std::string& name, const Shape& shape);
  // Shape of a tensor without marking it used; fails when absent.
  const Shape& shape_of(const std::string& name) const;
  // Marks a tensor the model deliberately ignores (e.g. position_ids buffers).
  void ignore(const std::string& name);

  // Fails listing (up to 10 of) the tensors whose name starts with one of `prefixes` (all when
  // empty) that no call above touched: such a file is not the architecture we built.
  void check_all_used(const std::vector<std::string>& prefixes = {}) const;

 private:
  const TensorStore& store_;
  std::string component_;
  std::set<std::string> used_;
};

}  // namespace easel
