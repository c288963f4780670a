// The CLIP BPE tokenizer as A1111 runs it (transformers CLIPTokenizer with ftfy), loaded at run time
// from a folder holding vocab.json and merges.txt. Thread-safe; words are cached after their first BPE.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace easel::text {

class Tokenizer {
 public:
  static constexpr int kBos = 49406;  // <|startoftext|>
  static constexpr int kEos = 49407;  // <|endoftext|>, also padding

  // Reads DIR/vocab.json and DIR/merges.txt; fails with a message naming the file on bad input.
  static std::shared_ptr<const Tokenizer> load(const std::filesystem::path& dir);
  // Where the tokenizer lives when none is given: $EASEL_TOKENIZER, else `tokenizer/` next to the
  // models directory, else ../shared/oracle/tokenizer (a development fallback); empty if none exists.
  static std::filesystem::path default_dir(const std::filesystem::path& models_dir = {});

  // tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"]: no BOS/EOS, no padding.
  std::vector<int> encode(std::string_view utf8) const;
  void encode_append(std::string_view utf8, std::vector<int>& out) const;

  int bos() const { return bos_; }
  int eos() const { return eos_; }
  int comma() const { return comma_; }  // id of ",</w>"
  size_t vocab_size() const { return id_to_token_.size(); }
  const std::string& token_text(int id) const;  // the vocabulary string, e.g. "cat</w>"
  std::string decode(const std::vector<int>& ids) const;  // readable text for display

  ~Tokenizer();
  struct Impl;

 private:
  Tokenizer();
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> id_to_token_;
  int bos_ = kBos, eos_ = kEos, comma_ = 267;
};

}  // namespace easel::text
