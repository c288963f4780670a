// oneDNN engine / stream singletons and OpenMP thread-count synchronisation.
#include "backend/cpu/dnnl_common.h"

#include "core/error.h"
#include "core/mapped_file.h"
#include "core/thread_pool.h"

// oneDNN here is built on OpenMP, and easel_core links the same runtime (parallel_for runs on it).
extern "C" void omp_set_num_threads(int);
extern "C" int omp_get_max_threads();

namespace easel::dnnl_util {

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  static dnnl::stream s(engine());
  return s;
}

int sync_threads() {
  const int n = num_threads();
  // The setting is per calling thread (the server's generation thread is not the one that parsed
  // --threads), so it is checked on every call.
  if (omp_get_max_threads() != n) omp_set_num_threads(n);
  return n;
}

Tensor weights_f32(const Tensor& w) {
  if (!w.defined()) fail("weight tensor is not allocated");
  if (!dtype_is_float(w.dtype())) fail("weight {} has non-float dtype {}", shape_str(w.shape()), dtype_name(w.dtype()));
  Tensor f = w.dtype() == DType::F32 ? w.clone() : w.to_f32();
  // The op keeps its own copy: a weight viewing a mapped model file hands its pages back, so the
  // file does not count in RSS on top of the converted weights (fp16 SD 1.5: 1.7 GB).
  MappedFile::release_pages(w.raw(), w.nbytes());
  return f;
}

}  // namespace easel::dnnl_util
