// Python float() for the number strings the prompt grammars accept ([+-]? digits/dots, exponents),
// including non-ASCII decimal digits as Python allows; correctly rounded like CPython.
#pragma once
#include <optional>
#include <string>

#include "text/utf8.h"

namespace easel::text {

// float(s), or nullopt where Python raises ValueError. s is the whole string (no surrounding space).
std::optional<double> py_float(const U32String& s);

}  // namespace easel::text
