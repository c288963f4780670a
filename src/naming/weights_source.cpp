// Reader dispatch: the io readers detect the format from the content (never the file name).
#include "naming/weights_source.h"

#include "core/error.h"

namespace easel::naming {

TensorStore open_weights(const std::string& path) { return load_weights(path); }

DiffusersFolder open_diffusers(const std::string& dir, const std::string& variant) {
  if (!is_diffusers_folder(dir)) fail("{}: a folder but not a diffusers model (no model_index.json)", dir);
  return load_diffusers(dir, variant);
}

}  // namespace easel::naming
