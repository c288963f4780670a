// CpuBackend construction and its tuning switches.
#include "backend/cpu/cpu_backend.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace easel {

CpuBackend::CpuBackend() {
  using tag = dnnl::memory::format_tag;
  // Measured on 2 Zen5 cores (AVX-512), 3x3 320->320 at 64x64 batch 2, per CPU-second: nChw16c
  // (jit direct) 83-85 % of peak, NHWC (brgconv) about the same, NCHW (im2col gemm) 71 %, and NCHW
  // only 57 % at VAE 128ch 512x512. The NCHW <-> blocked transposes cost a few percent. The block
  // is the vector width; EASEL_CONV_LAYOUT=nchw|nhwc|nChw8c|nChw16c|any overrides for measurement.
  const int isa = int(dnnl::get_effective_cpu_isa()), avx512 = int(dnnl::cpu_isa::avx512_core);
  conv_tag_ = (isa & avx512) == avx512 ? tag::nChw16c : tag::nChw8c;
  if (const char* e = std::getenv("EASEL_CONV_LAYOUT")) {
    if (!std::strcmp(e, "nchw")) conv_tag_ = tag::nchw;
    if (!std::strcmp(e, "nhwc")) conv_tag_ = tag::nhwc;
    if (!std::strcmp(e, "nChw16c")) conv_tag_ = tag::nChw16c;
    if (!std::strcmp(e, "nChw8c")) conv_tag_ = tag::nChw8c;
    if (!std::strcmp(e, "any")) conv_tag_ = tag::any;
  }
  if (const char* e = std::getenv("EASEL_CONV_BAND_MB")) {
    const long mb = std::atol(e);
    conv_band_bytes = mb > 0 ? size_t(mb) << 20 : SIZE_MAX;
  }
}

}  // namespace easel
