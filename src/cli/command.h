// CLI subcommand registry: each cmd_*.cpp defines one subcommand and registers it with
// EASEL_COMMAND; main() dispatches on argv[1]. Commands receive the arguments after their name.
#pragma once
#include <string>
#include <vector>

namespace easel::cli {

using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;     // "info", "dev make-random" (two words: a group and a verb)
  const char* summary;  // one line for `easel --help`
  CommandFn run;
};

bool register_command(const Command& c);
const std::vector<Command>& commands();

}  // namespace easel::cli

#define EASEL_CONCAT_(a, b) a##b
#define EASEL_CONCAT(a, b) EASEL_CONCAT_(a, b)
#define EASEL_COMMAND(name, summary, fn) \
  static const bool EASEL_CONCAT(easel_cmd_, __LINE__) = ::easel::cli::register_command({name, summary, fn})
