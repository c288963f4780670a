// A1111 "infotext": the generation-parameters text stored in a PNG's `parameters` chunk.
// Writing follows A1111 1.10's create_infotext (field order, quoting); parsing follows
// infotext_utils.parse_generation_parameters, so pre-1.9 texts are read too.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace easel {

using InfotextFields = std::vector<std::pair<std::string, std::string>>;  // ordered

// A1111's quote(): JSON-quotes a value containing ',', '\n' or ':'.
std::string infotext_quote(const std::string& v);

// "<prompt>\nNegative prompt: <neg>\n<k: v, k: v, ...>" (negative line only when non-empty).
// Fields with an empty value are skipped, as A1111 skips None.
std::string format_infotext(const std::string& prompt, const std::string& negative, const InfotextFields& fields);

struct ParsedInfotext {
  std::string prompt, negative_prompt;
  InfotextFields fields;  // in text order, values unquoted; "Size: 512x768" stays one field
  const std::string* get(const std::string& key) const;
};
ParsedInfotext parse_infotext(const std::string& text);

// Formats a double as Python's str(float) does for the values A1111 prints (7.0 -> "7.0",
// 0.75 -> "0.75"); integers print without a decimal point where A1111 stores ints.
std::string py_float(double v);

}  // namespace easel
