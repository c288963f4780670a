// The one place naming calls the io readers: a weights file of any format, or a diffusers folder.
#pragma once
#include <string>

#include "io/model_files.h"
#include "io/tensor_store.h"

namespace easel::naming {

TensorStore open_weights(const std::string& path);
DiffusersFolder open_diffusers(const std::string& dir, const std::string& variant);

}  // namespace easel::naming
