// `easel prompt` end to end: runs the built binary on a ~200-token prompt and checks its JSON
// against the library (token count, chunk count, ids). Skips when the CLI has not been built.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

#include "text/chunks.h"
#include "text_test_util.h"

using namespace easel;
using namespace easel::test;

namespace {

int run(const std::string& cmd, std::string& out) {
  out.clear();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string easel_bin() { return (build_dir() / "easel").string(); }

}  // namespace

TEST(CliPrompt, LongPromptChunksAndCount) {
  if (!std::filesystem::exists(easel_bin())) GTEST_SKIP() << "easel CLI not built at " << easel_bin();
  std::string prompt;
  for (int i = 0; i < 40; ++i) prompt += "(masterpiece:1.2), a cute cat, ";  // ~200 tokens
  std::string out;
  std::string cmd = easel_bin() + " prompt --json --tokenizer '" + (oracle_dir() / "tokenizer").string() + "' '" + prompt + "'";
  ASSERT_EQ(run(cmd, out), 0) << out;
  auto j = nlohmann::json::parse(out);
  auto& entry = j.at("prompt").at(0).at("schedule").at(0);
  auto want = text::tokenize_line(*oracle_tokenizer(), prompt, {});
  EXPECT_EQ(entry.at("token_count").get<int>(), want.token_count);
  EXPECT_GT(want.token_count, 150);
  ASSERT_EQ(entry.at("chunks").size(), want.chunks.size());
  for (size_t c = 0; c < want.chunks.size(); ++c) {
    EXPECT_EQ(entry.at("chunks")[c].at("tokens").get<std::vector<int>>(), want.chunks[c].tokens);
    EXPECT_EQ(entry.at("chunks")[c].at("multipliers").get<std::vector<double>>(), want.chunks[c].multipliers);
  }
  std::printf("[cli] 200-token prompt: %s, %zu chunks\n", entry.at("token_count_display").get<std::string>().c_str(),
              want.chunks.size());
}

TEST(CliPrompt, BadOptionIsUsageError) {
  if (!std::filesystem::exists(easel_bin())) GTEST_SKIP() << "easel CLI not built at " << easel_bin();
  std::string out;
  EXPECT_EQ(run(easel_bin() + " prompt 'a cat' --steps nope 2>&1", out), 2) << out;
  EXPECT_EQ(run(easel_bin() + " prompt --help", out), 0);
  EXPECT_NE(out.find("--tokenizer"), std::string::npos) << out;
}
