// `easel version`: prints the version and the compute configuration.
#include <cstdio>

#include "cli/command.h"
#include "core/thread_pool.h"

namespace {
int run_version(const std::vector<std::string>&) {
  std::printf("easel 0.1.0\nthreads: %d\n", easel::num_threads());
  return 0;
}
}  // namespace
EASEL_COMMAND("version", "print the version and compute configuration", run_version);
