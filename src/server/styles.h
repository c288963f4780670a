// A1111's styles.csv (name,prompt,negative_prompt with a header row), for /prompt-styles and
// the `styles` request field.
#pragma once
#include <string>
#include <vector>

#include "server/api_request.h"

namespace easel::server {

// Missing file: no styles. Malformed rows are skipped; a file that cannot be read fails.
std::vector<PromptStyle> load_styles(const std::string& path);

}  // namespace easel::server
