// Arena allocation: bump pointer over a list of blocks; a new block is added (double the
// size) when the current ones are full.
#include "core/arena.h"

#include <algorithm>
#include <cstdlib>

#include "core/error.h"

namespace easel {

Tensor Arena::alloc(const Shape& shape, DType dtype) {
  const size_t bytes = (size_t(shape_numel(shape)) * dtype_size(dtype) + 63) & ~size_t(63);
  while (cur_block_ < blocks_.size() && cur_off_ + bytes > blocks_[cur_block_].size) {
    ++cur_block_;
    cur_off_ = 0;
  }
  if (cur_block_ == blocks_.size()) {
    size_t sz = std::max<size_t>(bytes, std::max<size_t>(size_t(1) << 20, reserved()));
    void* p = std::aligned_alloc(64, sz);
    if (!p) fail("out of memory: activation arena needs {} more bytes", sz);
    blocks_.push_back({std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); }), sz});
    cur_off_ = 0;
  }
  Block& b = blocks_[cur_block_];
  Tensor t = Tensor::view(shape, dtype, b.mem.get() + cur_off_, b.mem);
  cur_off_ += bytes;
  peak_ = std::max(peak_, in_use());
  return t;
}

void Arena::release(const Mark& m) {
  cur_block_ = m.block;
  cur_off_ = m.offset;
}

size_t Arena::in_use() const {
  size_t s = cur_off_;
  for (size_t i = 0; i < cur_block_ && i < blocks_.size(); ++i) s += blocks_[i].size;
  return s;
}

size_t Arena::reserved() const {
  size_t s = 0;
  for (auto& b : blocks_) s += b.size;
  return s;
}

void Arena::consolidate() {
  if (blocks_.size() <= 1 || in_use() != 0) return;
  size_t sz = peak_;
  blocks_.clear();
  void* p = std::aligned_alloc(64, (sz + 63) & ~size_t(63));
  if (!p) fail("out of memory: activation arena of {} bytes", sz);
  blocks_.push_back({std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); }), sz});
  cur_block_ = 0;
  cur_off_ = 0;
}

}  // namespace easel
