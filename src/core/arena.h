// Arena: a stack allocator for activations. A model evaluation takes a Mark, allocates its
// intermediates, and releases back to the mark; the first evaluation grows the arena to the
// stage's peak and later ones reuse it, so the steady state does no heap allocation.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "core/tensor.h"

namespace easel {

class Arena {
 public:
  struct Mark {
    size_t block, offset;
  };
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Uninitialised F32 tensor (64-byte aligned); valid until released past it.
  Tensor alloc(const Shape& shape, DType dtype = DType::F32);
  Mark mark() const { return {cur_block_, cur_off_}; }
  void release(const Mark& m);
  // Bytes in use now / the most ever in use / reserved.
  size_t in_use() const;
  size_t peak() const { return peak_; }
  size_t reserved() const;
  // Merges all blocks into one of the peak size (call when idle, after a first evaluation).
  void consolidate();

 private:
  struct Block {
    std::shared_ptr<uint8_t> mem;
    size_t size;
  };
  std::vector<Block> blocks_;
  size_t cur_block_ = 0, cur_off_ = 0, peak_ = 0;
};

// RAII release of everything allocated in a scope.
class ArenaScope {
 public:
  explicit ArenaScope(Arena& a) : a_(a), m_(a.mark()) {}
  ~ArenaScope() { a_.release(m_); }
  ArenaScope(const ArenaScope&) = delete;
  ArenaScope& operator=(const ArenaScope&) = delete;

 private:
  Arena& a_;
  Arena::Mark m_;
};

}  // namespace easel
