// BrownianTree: torchsde 0.2.6 BrownianTree (a BrownianInterval with halfway_tree, tol 1e-6,
// pool_size 24, cache_size 45, no Levy area) for one image, with A1111's node noise: every
// node draws randn from a fresh generator of the run's source seeded by numpy SeedSequence.
#pragma once
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

#include "core/tensor.h"
#include "sampling/rng/generator.h"

namespace easel {

struct BrownianTreeOptions {
  int pool_size = 24;    // SeedSequence pool (torchsde BrownianTree default)
  int tol_digits = 6;    // times are rounded to this many decimals (tol 1e-6)
  // LRU of node increments (speed only: values never depend on it). torchsde keeps 45; both
  // children of a bridged node are cached here, so a few more entries pay off. Large latents
  // get fewer entries (at most cache_bytes, but never fewer than 45).
  int cache_size = 96;
  int64_t cache_bytes = int64_t(64) << 20;
};

class BrownianTree {
 public:
  // torchsde.BrownianTree(t0, w0 = zeros(shape), t1, entropy): t0 <= t1 are the float32 times
  // widened to double, exactly as torchsde's float(t) sees them.
  BrownianTree(double t0, double t1, Shape shape, uint64_t entropy, RandnSource source, BrownianTreeOptions opts = {});

  // W(tb) - W(ta) (torchsde __call__(ta, tb)): times are clamped into [t0, t1] first, ta == tb
  // gives zeros, ta > tb fails. Writes shape-many floats to `out`.
  void increment(double ta, double tb, float* out);
  Tensor increment(double ta, double tb);

  const Shape& shape() const { return shape_; }
  int64_t randn_calls() const { return randn_calls_; }
  size_t nodes() const { return nodes_.size(); }

 private:
  struct Node {
    double start = 0, end = 0, mid = 0;
    int32_t parent = -1, left = -1, right = -1;
    bool is_left = false;
    int depth = 0;           // torchsde's (spawn_key, depth) naming of this node's place
    uint64_t spawn_key = 0;
    uint32_t w_seed = 0;     // valid once split: seeds the noise shared by both children
  };

  double round_time(double t) const;
  void split(int32_t node);
  void locate(int32_t node, double ta, double tb, std::vector<int32_t>& out);
  using Vec = std::vector<float>;
  // W of every node in `parts` (and of the nodes bridged on the way) into `known`.
  void resolve(const std::vector<int32_t>& parts, std::unordered_map<int32_t, Vec>& known);
  void bridge(const Node& parent, const float* w, const float* noise, float* left, float* right) const;
  const Vec* cache_get(int32_t node);
  void cache_put(int32_t node, const Vec& w);

  Shape shape_;
  int64_t numel_ = 0;
  uint64_t entropy_ = 0;
  RandnSource source_;
  BrownianTreeOptions opts_;
  std::vector<Node> nodes_;
  std::vector<float> root_w_;
  // LRU cache: most recently used at the front.
  std::list<std::pair<int32_t, Vec>> lru_;
  std::unordered_map<int32_t, decltype(lru_)::iterator> lru_index_;
  size_t cache_cap_ = 0;
  int64_t randn_calls_ = 0;
};

}  // namespace easel
