// oneDNN engine / stream singletons and OpenMP thread-count synchronisation.
#include "backend/cpu/dnnl_common.h"

#include "core/error.h"
#include "core/thread_pool.h"

// oneDNN here is built on OpenMP; its runtime is loaded with libdnnl. Weak references resolve
// against it at run time without linking libgomp into every target.
extern "C" void omp_set_num_threads(int) __attribute__((weak));
extern "C" int omp_get_max_threads() __attribute__((weak));

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
  if (omp_set_num_threads && omp_get_max_threads && omp_get_max_threads() != n) omp_set_num_threads(n);
  return n;
}

Tensor weights_f32(const Tensor& w) {
  if (!w.defined()) fail("weight tensor is not allocated");
  if (!dtype_is_float(w.dtype())) fail("weight {} has non-float dtype {}", shape_str(w.shape()), dtype_name(w.dtype()));
  return w.dtype() == DType::F32 ? w.clone() : w.to_f32();
}

}  // namespace easel::dnnl_util
