// The tree: nodes split at their (rounded) halfway point on demand, a query [ta, tb] is the
// ordered list of maximal nodes inside it (what torchsde's _loc finds), and a node's increment
// comes from its parent's by the Brownian bridge, in torch's float32 operation order.
#include "sampling/brownian/brownian_tree.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/error.h"
#include "core/thread_pool.h"
#include "sampling/brownian/decimal_round.h"
#include "sampling/brownian/seed_sequence.h"

namespace easel {

BrownianTree::BrownianTree(double t0, double t1, Shape shape, uint64_t entropy, RandnSource source,
                           BrownianTreeOptions opts)
    : shape_(std::move(shape)), entropy_(entropy), source_(source), opts_(opts) {
  if (!std::isfinite(t0) || !std::isfinite(t1)) fail("Brownian tree: times [{}, {}] must be finite", t0, t1);
  if (!(t0 <= t1)) fail("Brownian tree: initial time {} should not exceed terminal time {}", t0, t1);
  if (opts_.tol_digits < 0 || opts_.tol_digits > 15) fail("Brownian tree: tolerance digits {} outside [0, 15]", opts_.tol_digits);
  numel_ = shape_numel(shape_);
  const int64_t per = std::max<int64_t>(1, numel_ * 4);
  cache_cap_ = size_t(std::max<int64_t>(0, std::min<int64_t>(opts_.cache_size, std::max<int64_t>(45, opts_.cache_bytes / per))));
  Node root;
  root.start = round_time(t0);
  root.end = round_time(t1);
  nodes_.push_back(root);
  // torchsde: seeds (W, H, A) of the whole interval from the unspawned sequence; only W is used.
  const uint32_t w_seed = SeedSequence(entropy_, {}, opts_.pool_size).generate_state(3)[0];
  Tensor noise = randn_seeded(source_, w_seed, shape_);
  ++randn_calls_;
  // The whole-interval increment is scaled by the unrounded length.
  const float scale = float(std::sqrt(t1 - t0));
  root_w_.resize(size_t(numel_));
  const float* n = noise.f32();
  for (int64_t i = 0; i < numel_; ++i) root_w_[size_t(i)] = n[i] * scale;
}

double BrownianTree::round_time(double t) const { return python_round(t, opts_.tol_digits); }

void BrownianTree::split(int32_t idx) {
  // Children are created on the dyadic grid only (halfway_tree): the query point itself is
  // reached by further halving, never by splitting there.
  Node p = nodes_[size_t(idx)];
  if (p.depth >= 62) fail("Brownian tree: interval [{}, {}] is too deep to split", p.start, p.end);
  const double mid = round_time(0.5 * (p.end + p.start));
  const uint64_t key[2] = {p.spawn_key, uint64_t(p.depth)};
  const uint32_t w_seed = SeedSequence(entropy_, key, opts_.pool_size).generate_state(4)[0];
  Node l, r;
  l.start = p.start, l.end = mid, l.parent = idx, l.is_left = true;
  r.start = mid, r.end = p.end, r.parent = idx, r.is_left = false;
  l.depth = r.depth = p.depth + 1;
  l.spawn_key = 2 * p.spawn_key;
  r.spawn_key = 2 * p.spawn_key + 1;
  const int32_t li = int32_t(nodes_.size());
  nodes_.push_back(l);
  nodes_.push_back(r);
  Node& pn = nodes_[size_t(idx)];
  pn.mid = mid;
  pn.w_seed = w_seed;
  pn.left = li;
  pn.right = li + 1;
}

void BrownianTree::locate(int32_t idx, double ta, double tb, std::vector<int32_t>& out) {
  for (;;) {
    const Node& n = nodes_[size_t(idx)];
    if (ta == n.start && tb == n.end) {
      out.push_back(idx);
      return;
    }
    if (n.left < 0) {
      // Intervals on the 10^-d grid that strictly contain a grid point always split strictly
      // inside; a node too narrow to split here means the query was not on the grid.
      if (!(n.end - n.start > 0)) fail("Brownian tree: cannot resolve [{}, {}]", ta, tb);
      split(idx);
    }
    const Node& m = nodes_[size_t(idx)];
    if (m.mid <= m.start || m.mid >= m.end) fail("Brownian tree: cannot resolve [{}, {}] below tolerance", ta, tb);
    if (tb <= m.mid) {
      idx = m.left;
    } else if (ta >= m.mid) {
      idx = m.right;
    } else {
      const int32_t right = m.right;
      const double mid = m.mid;
      locate(m.left, ta, mid, out);
      idx = right, ta = mid;
    }
  }
}

const BrownianTree::Vec* BrownianTree::cache_get(int32_t node) {
  auto it = lru_index_.find(node);
  if (it == lru_index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->second;
}

void BrownianTree::cache_put(int32_t node, const Vec& w) {
  if (cache_cap_ == 0) return;
  auto it = lru_index_.find(node);
  if (it != lru_index_.end()) {
    it->second->second = w;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(node, w);
  lru_index_[node] = lru_.begin();
  if (lru_.size() > cache_cap_) {
    lru_index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

void BrownianTree::bridge(const Node& p, const float* w, const float* nz, float* left, float* right) const {
  // torchsde: mean = left_diff * W * h_reciprocal, left_W = mean + sqrt(var) * noise,
  // right_W = W - left_W, with the Python-float factors rounded to float32 as torch does for
  // a wrapped scalar.
  const double h_rec = 1 / (p.end - p.start);
  const double left_diff = p.mid - p.start, right_diff = p.end - p.mid;
  const float fl = float(left_diff), fh = float(h_rec);
  const float sd = float(std::sqrt(left_diff * right_diff * h_rec));
  for (int64_t i = 0; i < numel_; ++i) {
    const float mean = (fl * w[i]) * fh;
    const float dev = sd * nz[i];
    const float l = mean + dev;
    left[i] = l;
    right[i] = w[i] - l;
  }
}

void BrownianTree::resolve(const std::vector<int32_t>& parts, std::unordered_map<int32_t, Vec>& known) {
  // Walk up from each part to the nearest node whose increment is known (root or cache); every
  // node passed on the way needs its parent's bridge noise.
  std::vector<int32_t> parents;
  std::unordered_set<int32_t> planned;
  for (int32_t cur : parts) {
    for (;;) {
      if (known.count(cur)) break;
      if (cur == 0) {
        known.emplace(0, root_w_);
        break;
      }
      if (const Vec* hit = cache_get(cur)) {
        known.emplace(cur, *hit);
        break;
      }
      const int32_t p = nodes_[size_t(cur)].parent;
      if (!planned.insert(p).second) break;  // p's own way up is already planned
      parents.push_back(p);
      cur = p;
    }
  }
  if (parents.empty()) return;
  std::sort(parents.begin(), parents.end(),
            [&](int32_t a, int32_t b) { return nodes_[size_t(a)].depth < nodes_[size_t(b)].depth; });
  // The noises depend only on the node seeds, so they are drawn in parallel; the bridges then
  // run top-down (a parent's increment may itself come from an earlier bridge).
  std::vector<Tensor> noise(parents.size());
  parallel_for(int64_t(parents.size()), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) noise[size_t(i)] = randn_seeded(source_, nodes_[size_t(parents[size_t(i)])].w_seed, shape_);
  });
  randn_calls_ += int64_t(parents.size());
  for (size_t i = 0; i < parents.size(); ++i) {
    const Node& p = nodes_[size_t(parents[i])];
    Vec l(static_cast<size_t>(numel_)), r(static_cast<size_t>(numel_));
    bridge(p, known.at(parents[i]).data(), noise[i].f32(), l.data(), r.data());
    cache_put(p.left, l);
    cache_put(p.right, r);
    known[p.left] = std::move(l);
    known[p.right] = std::move(r);
  }
}

void BrownianTree::increment(double ta, double tb, float* out) {
  if (std::isnan(ta) || std::isnan(tb)) fail("Brownian tree: query time is NaN");
  const Node& root = nodes_[0];
  // torchsde clamps (with a warning) before rounding, against the rounded ends.
  ta = std::min(std::max(ta, root.start), root.end);
  tb = std::min(std::max(tb, root.start), root.end);
  if (ta > tb) fail("Brownian tree: query times ta={} and tb={} must respect ta <= tb", ta, tb);
  const double ra = round_time(ta), rb = round_time(tb);
  if (ta == tb || ra == rb) {
    // ra == rb with ta != tb lies below the tree's resolution (torchsde would not terminate);
    // the increment over a sub-tolerance interval is taken as zero.
    std::fill(out, out + numel_, 0.0f);
    return;
  }
  std::vector<int32_t> parts;
  locate(0, ra, rb, parts);
  std::unordered_map<int32_t, Vec> known;
  resolve(parts, known);
  const Vec& w0 = known.at(parts[0]);
  std::copy(w0.begin(), w0.end(), out);
  for (size_t k = 1; k < parts.size(); ++k) {
    const float* wi = known.at(parts[k]).data();
    for (int64_t i = 0; i < numel_; ++i) out[i] = out[i] + wi[i];
  }
}

Tensor BrownianTree::increment(double ta, double tb) {
  Tensor t = Tensor::empty(shape_);
  increment(ta, tb, t.f32());
  return t;
}

}  // namespace easel
