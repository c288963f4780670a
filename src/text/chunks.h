// webui's tokenize_line for SD 1.x: weighted pieces -> 75-token chunks padded to 77 with BOS/EOS,
// per-token multipliers, comma backtracking and BREAK; plus the empty chunk used for padding.
#pragma once
#include <string>
#include <vector>

#include "text/emphasis.h"
#include "text/tokenizer.h"

namespace easel::text {

constexpr int kChunkTokens = 75;  // tokens of text per chunk
constexpr int kChunkLength = 77;  // with BOS and EOS

struct Chunk {
  std::vector<int> tokens;          // 77 ids: BOS, 75 text/padding, EOS
  std::vector<double> multipliers;  // 77 weights (the exact doubles of parse_prompt_attention)
  bool operator==(const Chunk&) const = default;
};

struct ChunkOptions {
  int comma_padding_backtrack = 20;  // webui "comma_padding_backtrack"; 0 disables
  EmphasisMode emphasis = EmphasisMode::Original;
};

struct TokenizedLine {
  std::vector<Chunk> chunks;
  int token_count = 0;  // what webui shows as "N/75"
};

TokenizedLine tokenize_line(const Tokenizer& tok, const std::string& line, const ChunkOptions& opt);
Chunk empty_chunk(const Tokenizer& tok);  // [BOS] + [EOS]*76, all multipliers 1.0

}  // namespace easel::text
