// Logger state.
#include "core/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace easel {

namespace {
LogLevel initial_level() {
  const char* e = std::getenv("EASEL_LOG");
  if (!e) return LogLevel::Info;
  if (!std::strcmp(e, "debug")) return LogLevel::Debug;
  if (!std::strcmp(e, "warn")) return LogLevel::Warn;
  if (!std::strcmp(e, "error")) return LogLevel::Error;
  if (!std::strcmp(e, "quiet")) return LogLevel::Quiet;
  return LogLevel::Info;
}
LogLevel g_level = initial_level();
std::mutex g_mutex;
}  // namespace

LogLevel log_level() { return g_level; }
void set_log_level(LogLevel l) { g_level = l; }

void log_write(LogLevel l, const std::string& msg) {
  static const char* tags[] = {"debug", "info", "warn", "error", ""};
  std::lock_guard<std::mutex> lk(g_mutex);
  std::fprintf(stderr, "[%s] %s\n", tags[int(l)], msg.c_str());
}

}  // namespace easel
