// Logging to stderr with a global level ($EASEL_LOG = debug|info|warn|error; default info).
#pragma once
#include <fmt/format.h>

namespace easel {

enum class LogLevel { Debug, Info, Warn, Error, Quiet };
LogLevel log_level();
void set_log_level(LogLevel l);
void log_write(LogLevel l, const std::string& msg);

template <typename... A>
void log_debug(fmt::format_string<A...> f, A&&... a) {
  if (log_level() <= LogLevel::Debug) log_write(LogLevel::Debug, fmt::format(f, std::forward<A>(a)...));
}
template <typename... A>
void log_info(fmt::format_string<A...> f, A&&... a) {
  if (log_level() <= LogLevel::Info) log_write(LogLevel::Info, fmt::format(f, std::forward<A>(a)...));
}
template <typename... A>
void log_warn(fmt::format_string<A...> f, A&&... a) {
  if (log_level() <= LogLevel::Warn) log_write(LogLevel::Warn, fmt::format(f, std::forward<A>(a)...));
}

}  // namespace easel
