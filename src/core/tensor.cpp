// Host tensor storage and conversions.
#include "core/tensor.h"

#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace easel {

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  for (auto d : shape)
    if (d < 0) fail("tensor shape {} has a negative dimension", shape_str(shape));
  Tensor t;
  t.shape_ = shape;
  t.dtype_ = dtype;
  size_t bytes = (t.nbytes() + 63) & ~size_t(63);
  void* p = std::aligned_alloc(64, bytes ? bytes : 64);
  if (!p) fail("out of memory allocating tensor {} ({} bytes)", shape_str(shape), bytes);
  t.data_ = p;
  t.holder_ = std::shared_ptr<const void>(p, [](const void* q) { std::free(const_cast<void*>(q)); });
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype) {
  Tensor t = empty(shape, dtype);
  std::memset(t.data_, 0, t.nbytes());
  return t;
}

Tensor Tensor::view(const Shape& shape, DType dtype, void* data, std::shared_ptr<const void> holder) {
  Tensor t;
  t.shape_ = shape;
  t.dtype_ = dtype;
  t.data_ = data;
  t.holder_ = std::move(holder);
  return t;
}

Tensor Tensor::from(const Shape& shape, std::span<const float> values) {
  if (shape_numel(shape) != int64_t(values.size()))
    fail("Tensor::from: shape {} needs {} values, got {}", shape_str(shape), shape_numel(shape),
         values.size());
  Tensor t = empty(shape);
  std::memcpy(t.data_, values.data(), values.size() * 4);
  return t;
}

float* Tensor::f32() {
  if (dtype_ != DType::F32) fail("tensor {} is {}, expected F32", shape_str(shape_), dtype_name(dtype_));
  return static_cast<float*>(data_);
}
const float* Tensor::f32() const { return const_cast<Tensor*>(this)->f32(); }

Tensor Tensor::reshaped(const Shape& shape) const {
  if (shape_numel(shape) != numel())
    fail("cannot reshape {} to {}", shape_str(shape_), shape_str(shape));
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

Tensor Tensor::to_f32() const {
  Tensor t = empty(shape_);
  convert_to_f32(dtype_, data_, static_cast<float*>(t.data_), size_t(numel()));
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape_, dtype_);
  if (nbytes()) std::memcpy(t.data_, data_, nbytes());
  return t;
}

}  // namespace easel
