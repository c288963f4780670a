// CpuBackend construction and its tuning switches.
#include "backend/cpu/cpu_backend.h"

#include <cstdlib>
#include <cstring>

namespace easel {

CpuBackend::CpuBackend() {
  using tag = dnnl::memory::format_tag;
  // oneDNN's direct (non-brgemm) kernels on channel-blocked activations measured fastest for the
  // UNet's 3x3 convolutions (see the backend notes); the block is the vector width.
  const int isa = int(dnnl::get_effective_cpu_isa()), avx512 = int(dnnl::cpu_isa::avx512_core);
  conv_tag_ = (isa & avx512) == avx512 ? tag::nChw16c : tag::nChw8c;
  if (const char* e = std::getenv("EASEL_CONV_LAYOUT")) {
    if (!std::strcmp(e, "nchw")) conv_tag_ = tag::nchw;
    if (!std::strcmp(e, "nhwc")) conv_tag_ = tag::nhwc;
    if (!std::strcmp(e, "nChw16c")) conv_tag_ = tag::nChw16c;
    if (!std::strcmp(e, "nChw8c")) conv_tag_ = tag::nChw8c;
    if (!std::strcmp(e, "any")) conv_tag_ = tag::any;
  }
}

}  // namespace easel
