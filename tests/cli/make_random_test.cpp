// `easel dev make-random` argument handling (full-size generation is a manual check: ~45 s for
// SD 1.5 on two cores, see the naming report): every bad value is one message and exit code 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

std::pair<int, std::string> easel(const std::string& args) {
  std::string cmd = "'" EASEL_BINARY_DIR "/easel' " + args + " 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, ""};
  char buf[1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

}  // namespace

TEST(CliMakeRandom, UsageErrors) {
  auto [rc, out] = easel("dev make-random --help");
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("--arch"), std::string::npos);
  const std::pair<const char*, const char*> bad[] = {
      {"dev make-random out.safetensors", "--arch is required"},
      {"dev make-random --arch sd16 out.safetensors", "unknown --arch 'sd16'"},
      {"dev make-random --arch sd15 --dtype f8 out.safetensors", "unknown --dtype 'f8'"},
      {"dev make-random --arch sd15 --seed -1 out.safetensors", "--seed must be"},
      {"dev make-random --arch sd15 --seed 12x out.safetensors", "--seed must be"},
      {"dev make-random --arch sd15", "missing OUT"},
      {"dev make-random --arch sd15 --bogus out.safetensors", "unknown option '--bogus'"},
  };
  for (auto [args, msg] : bad) {
    auto [rc2, out2] = easel(args);
    EXPECT_EQ(rc2, 2) << args;
    EXPECT_NE(out2.find(msg), std::string::npos) << args << "\n" << out2;
    EXPECT_FALSE(std::filesystem::exists("out.safetensors"));
  }
}
