// torch zip checkpoints (.ckpt/.pt/.bin written by torch.save since 1.6): the zip, the pickle run
// by the allow-list VM, and tensors rebuilt as views on stored entries.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "io/tensor_store.h"

namespace easel {

// Loads a torch zip checkpoint held in memory; views keep `holder` alive. The state dict is
// "state_dict" when present, else the top-level dict; other top-level entries (global_step, ...)
// become metadata strings.
TensorStore torch_zip_from_memory(const uint8_t* data, size_t size, std::shared_ptr<const void> holder,
                                  const std::string& what);
TensorStore load_torch_zip(const std::string& path);

}  // namespace easel
