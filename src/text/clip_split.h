// Text normalisation and the pre-tokenizer split of CLIPTokenizer._tokenize: ftfy, whitespace clean,
// lower-case, then the CLIP regex (contractions, letter runs, single digits, other symbol runs).
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace easel::text {

// Calls word(piece) for each pre-token of `text` (a piece free of the literal special-token strings),
// in order; each piece is UTF-8, already normalised and lower-cased.
void clip_split(std::string_view text, const std::function<void(std::string_view)>& word);

}  // namespace easel::text
