// easel::Error: the one exception type for bad input and failed operations.
// Thrown with a message that names the file/tensor/field; caught at the API boundary (CLI, server).
#pragma once
#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace easel {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws Error with a fmt-formatted message.
template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace easel
