// DDIM CFG++ (A1111 ddim_cfgpp): CFG scale / 12.5 and the direction term from the
// unconditional eps.
#include "sampling/sampler.h"

namespace easel {

Tensor ddim_loop(SamplerRun& r, Tensor x, bool cfgpp);

Tensor sample_ddim_cfgpp(SamplerRun& r, Tensor x) {
  r.model->enable_cfgpp(1 / 12.5);
  return ddim_loop(r, std::move(x), true);
}

}  // namespace easel
