// tokenize_line: a chunk is only emitted when the next token arrives, so a comma at a full chunk
// starts the next chunk without becoming a backtrack point (webui's exact behaviour).
#include "text/chunks.h"

#include "text/attention.h"

namespace easel::text {

Chunk empty_chunk(const Tokenizer& tok) {
  Chunk c;
  c.tokens.assign(kChunkLength, tok.eos());
  c.tokens[0] = tok.bos();
  c.multipliers.assign(kChunkLength, 1.0);
  return c;
}

TokenizedLine tokenize_line(const Tokenizer& tok, const std::string& line, const ChunkOptions& opt) {
  std::vector<WeightedText> parsed;
  if (opt.emphasis != EmphasisMode::None) parsed = parse_prompt_attention(line);
  else parsed = {{line, 1.0}};

  TokenizedLine out;
  std::vector<int> toks;
  std::vector<double> mults;
  int last_comma = -1;
  auto next_chunk = [&](bool is_last) {
    out.token_count += is_last ? int(toks.size()) : kChunkTokens;
    Chunk c;
    c.tokens.reserve(kChunkLength);
    c.multipliers.reserve(kChunkLength);
    c.tokens.push_back(tok.bos());
    c.multipliers.push_back(1.0);
    c.tokens.insert(c.tokens.end(), toks.begin(), toks.end());
    c.multipliers.insert(c.multipliers.end(), mults.begin(), mults.end());
    while (c.tokens.size() < kChunkLength - 1) {
      c.tokens.push_back(tok.eos());
      c.multipliers.push_back(1.0);
    }
    c.tokens.push_back(tok.eos());
    c.multipliers.push_back(1.0);
    out.chunks.push_back(std::move(c));
    last_comma = -1;
    toks.clear();
    mults.clear();
  };

  std::vector<int> ids;
  for (auto& piece : parsed) {
    if (is_break(piece)) {
      next_chunk(false);
      continue;
    }
    ids.clear();
    tok.encode_append(piece.text, ids);
    for (int t : ids) {
      if (t == tok.comma()) {
        last_comma = int(toks.size());
      } else if (opt.comma_padding_backtrack != 0 && int(toks.size()) == kChunkTokens && last_comma != -1 &&
                 kChunkTokens - last_comma <= opt.comma_padding_backtrack) {
        size_t cut = size_t(last_comma + 1);
        std::vector<int> reloc_t(toks.begin() + long(cut), toks.end());
        std::vector<double> reloc_m(mults.begin() + long(cut), mults.end());
        toks.resize(cut);
        mults.resize(cut);
        next_chunk(false);
        toks = std::move(reloc_t);
        mults = std::move(reloc_m);
      }
      if (int(toks.size()) == kChunkTokens) next_chunk(false);
      toks.push_back(t);
      mults.push_back(piece.weight);
    }
  }
  if (!toks.empty() || out.chunks.empty()) next_chunk(true);
  return out;
}

}  // namespace easel::text
