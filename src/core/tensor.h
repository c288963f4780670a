// Tensor: a host n-d array (row-major, contiguous) that either owns its bytes or views memory
// kept alive by a shared holder (an mmap'd file, an arena). Copying a Tensor shares the data.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace easel {

using Shape = std::vector<int64_t>;

int64_t shape_numel(const Shape& s);
std::string shape_str(const Shape& s);  // "[2, 4, 8, 8]"

class Tensor {
 public:
  Tensor() = default;
  // New zero-filled tensor owning its storage (64-byte aligned).
  static Tensor zeros(const Shape& shape, DType dtype = DType::F32);
  // New tensor owning an uninitialised buffer.
  static Tensor empty(const Shape& shape, DType dtype = DType::F32);
  // View on external memory; `holder` keeps that memory alive (may be null for caller-managed).
  static Tensor view(const Shape& shape, DType dtype, void* data, std::shared_ptr<const void> holder);
  // Copy of float data.
  static Tensor from(const Shape& shape, std::span<const float> values);

  bool defined() const { return data_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t dim(int i) const { return shape_[i < 0 ? shape_.size() + i : i]; }
  int ndim() const { return int(shape_.size()); }
  int64_t numel() const { return shape_numel(shape_); }
  size_t nbytes() const { return size_t(numel()) * dtype_size(dtype_); }

  void* raw() { return data_; }
  const void* raw() const { return data_; }
  // Typed access; checks dtype is F32.
  float* f32();
  const float* f32() const;
  std::span<float> span_f32() { return {f32(), size_t(numel())}; }
  std::span<const float> span_f32() const { return {f32(), size_t(numel())}; }

  // Same data, new shape (numel must match).
  Tensor reshaped(const Shape& shape) const;
  // Deep copy converted to float32 (any source dtype).
  Tensor to_f32() const;
  // Deep copy, same dtype.
  Tensor clone() const;
  const std::shared_ptr<const void>& holder() const { return holder_; }

 private:
  Shape shape_;
  DType dtype_ = DType::F32;
  void* data_ = nullptr;
  std::shared_ptr<const void> holder_;
};

}  // namespace easel
