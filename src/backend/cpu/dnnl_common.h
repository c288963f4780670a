// Shared oneDNN state for the CPU backend: the engine and stream, keeping oneDNN's OpenMP thread
// count equal to easel::num_threads(), and small helpers for memory descriptors.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include "core/tensor.h"

namespace easel::dnnl_util {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

dnnl::engine& engine();
dnnl::stream& stream();
// Sets oneDNN's (OpenMP) thread count to easel::num_threads(); returns that count. Call before
// creating or executing primitives (primitives are planned for a thread count).
int sync_threads();

inline dnnl::memory::desc plain(const dnnl::memory::dims& d, tag t) { return {d, dt::f32, t}; }
inline dnnl::memory mem(const dnnl::memory::desc& md, const void* p) {
  return dnnl::memory(md, engine(), const_cast<void*>(p));
}

// F32 copy of a weight tensor of any float dtype; the source's pages are released when it views
// a mapped file (MappedFile::release_pages).
Tensor weights_f32(const Tensor& w);

}  // namespace easel::dnnl_util
