// The CLI11 parse step every subcommand shares: --help prints the usage (exit 0), a bad argument
// prints "<command>: <what>" and gives the usage-error exit code 2.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace easel::cli {

// Parses `args` (as given to the command) into `app`, then runs `validate` (checks across options;
// it may throw CLI::ParseError or easel::Error, both reported as usage errors). Returns the exit
// code when the command is done (help shown or a usage error), nullopt when it should run.
inline std::optional<int> parse_command_line(CLI::App& app, const std::vector<std::string>& args, const char* cmd,
                                             const std::function<void()>& validate = {}) {
  try {
    std::vector<std::string> rev(args.rbegin(), args.rend());
    app.parse(rev);
    if (validate) validate();
  } catch (const CLI::CallForHelp&) {
    std::printf("%s", app.help().c_str());
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\n", cmd, e.what());
    return 2;
  } catch (const Error& e) {
    if (!validate) throw;  // not a usage error: the command's own error path reports it
    std::fprintf(stderr, "%s: %s\n", cmd, e.what());
    return 2;
  }
  return std::nullopt;
}

}  // namespace easel::cli
