// CLIP tokenizer against the transformers+ftfy oracle (every tokenizer/*.jsonl), both vocabularies.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "core/error.h"
#include "text/ftfy.h"
#include "text/utf8.h"
#include "text_test_util.h"

using namespace easel;
using namespace easel::test;

TEST(Tokenizer, OracleCases) {
  auto files = oracle_files("tokenizer", ".jsonl");
  ASSERT_FALSE(files.empty()) << "no tokenizer cases under " << oracle_dir();
  auto tok = oracle_tokenizer();
  for (auto& f : files) {
    int pass = 0, total = 0;
    for (auto& row : read_jsonl(f)) {
      ++total;
      std::string text = row.at("text");
      auto want = row.at("ids").get<std::vector<int>>();
      auto got = tok->encode(text);
      if (got == want) ++pass;
      else ADD_FAILURE() << f.filename() << ": " << nlohmann::json(text).dump() << "\n got  " << nlohmann::json(got).dump()
                         << "\n want " << nlohmann::json(want).dump();
    }
    std::printf("[tokenizer] %s: %d/%d pass\n", f.filename().c_str(), pass, total);
  }
}

TEST(Tokenizer, DiffusersFolderGivesSameIds) {
  auto dir = oracle_dir() / "tiny-sd15" / "model" / "tokenizer";
  if (!std::filesystem::exists(dir / "vocab.json")) GTEST_SKIP() << "no " << dir;
  auto a = oracle_tokenizer();
  auto b = text::Tokenizer::load(dir);
  for (const char* s : {"a cute cat, (masterpiece:1.2)", "Zürich ΣΟΦΙΑ 一只可爱的猫 🔥", "it's 8k <|endoftext|> x"})
    EXPECT_EQ(a->encode(s), b->encode(s)) << s;
}

TEST(Tokenizer, BadFolderFailsWithFileName) {
  try {
    text::Tokenizer::load(build_dir() / "no-such-tokenizer");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("vocab.json"), std::string::npos) << e.what();
  }
}

TEST(Tokenizer, FtfySteps) {
  using text::utf8_decode;
  using text::utf8_encode;
  auto fx = [](const char* s) { return utf8_encode(text::fix_text(utf8_decode(s))); };
  EXPECT_EQ(fx("&amp;amp;"), "&");
  EXPECT_EQ(fx("&notanentity;"), "&notanentity;");
  EXPECT_EQ(fx("caf\xc3\x83\xc2\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(fx("\xef\xac\x81ne"), "fine");
  EXPECT_EQ(fx("\xef\xbc\xa1\xe3\x80\x80"), "A ");
  EXPECT_EQ(fx("Bront\xc3\xab\xe2\x80\xa6"), "Bront\xc3\xab\xe2\x80\xa6");  // real text stays
}

// Throughput of short prompts on one core, the figure the issue asks for (>= 100k prompts/s).
TEST(Tokenizer, Throughput) {
  auto tok = oracle_tokenizer();
  const char* prompts[] = {"a cute cat, cyberpunk art, by greg rutkowski",
                           "masterpiece, best quality, 1girl, solo, long hair",
                           "a photograph of an astronaut riding a horse",
                           "lowres, bad anatomy, bad hands, text, error",
                           "Café Crème, ＡＢＣ, it’s 8k"};
  size_t n = 0, ids = 0;
  for (auto* p : prompts) ids += tok->encode(p).size();  // warm the word cache
  auto t0 = std::chrono::steady_clock::now();
  double secs = 0;
  while (secs < 0.5) {
    for (int r = 0; r < 2000; ++r)
      for (auto* p : prompts) ids += tok->encode(p).size(), ++n;
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  double rate = double(n) / secs;
  std::printf("[tokenizer] throughput: %.0f short prompts/s on one thread (%zu ids)\n", rate, ids);
  RecordProperty("prompts_per_second", int(rate));
  EXPECT_GT(rate, 20000.0);  // loose bound: debug builds and loaded CI machines are slower
}
