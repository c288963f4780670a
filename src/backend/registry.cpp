// make_backend: the table of backends by name.
#include <functional>
#include <utility>

#include "backend/backend.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/ref/ref_backend.h"
#include "core/error.h"

namespace easel {

std::unique_ptr<Backend> make_backend(const std::string& name) {
  static const std::pair<const char*, std::function<std::unique_ptr<Backend>()>> table[] = {
      {"cpu", [] { return std::make_unique<CpuBackend>(); }},
      {"ref", [] { return std::make_unique<RefBackend>(); }},
  };
  std::string names;
  for (auto& [n, make] : table) {
    if (name == n) return make();
    names += names.empty() ? n : std::string(", ") + n;
  }
  fail("unknown backend '{}' (valid: {})", name, names);
}

}  // namespace easel
