// `easel` entry point: dispatches to registered subcommands; turns easel::Error into one clear
// message and exit code 1 (2 for usage errors handled by the commands themselves).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/error.h"

namespace easel::cli {

static std::vector<Command>& registry() {
  static std::vector<Command> r;
  return r;
}
bool register_command(const Command& c) {
  registry().push_back(c);
  return true;
}
const std::vector<Command>& commands() { return registry(); }

static void usage() {
  std::printf("easel %s: Stable Diffusion in native code\n\nusage: easel COMMAND [options]\n\ncommands:\n",
              "0.1.0");
  auto cmds = commands();
  std::sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return std::strcmp(a.name, b.name) < 0; });
  for (auto& c : cmds) std::printf("  %-18s %s\n", c.name, c.summary);
  std::printf("\nRun 'easel COMMAND --help' for a command's options.\n");
}

}  // namespace easel::cli

int main(int argc, char** argv) {
  using namespace easel::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    usage();
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::printf("easel 0.1.0\n");
    return 0;
  }
  // Longest match first, so "dev make-random" wins over a hypothetical "dev".
  const Command* best = nullptr;
  size_t best_words = 0;
  for (auto& c : commands()) {
    std::vector<std::string> words;
    for (const char *p = c.name, *q; *p; p = *q ? q + 1 : q) {
      q = std::strchr(p, ' ');
      if (!q) q = p + std::strlen(p);
      words.emplace_back(p, q);
    }
    if (words.size() > args.size() || words.size() <= best_words) continue;
    if (std::equal(words.begin(), words.end(), args.begin())) {
      best = &c;
      best_words = words.size();
    }
  }
  if (!best) {
    std::fprintf(stderr, "easel: unknown command '%s' (see 'easel --help')\n", args[0].c_str());
    return 2;
  }
  try {
    return best->run(std::vector<std::string>(args.begin() + best_words, args.end()));
  } catch (const easel::Error& e) {
    std::fprintf(stderr, "easel: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "easel: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "easel: internal error: %s\n", e.what());
    return 1;
  }
}
