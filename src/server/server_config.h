// ServerConfig: what `easel serve` listens on and the limits it enforces; HOST:PORT parsing and
// the loopback rule (other interfaces need an explicit allow_remote).
#pragma once
#include <cstddef>
#include <string>
#include <utility>

#include "server/api_request.h"

namespace easel::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 7860;                 // 0: an ephemeral port (tests)
  bool allow_remote = false;       // required for a non-loopback host
  std::string api_auth, ui_auth;   // "user:pass[,user:pass...]"; empty: open
  std::string web_dir;             // the UI's files; empty: no UI
  std::string styles_file;         // A1111 styles.csv; empty: none
  size_t max_body_bytes = 50u << 20;
  size_t max_pending = 8;          // jobs waiting besides the running one
  int threads = 0;                 // HTTP threads; 0: max_pending + 16
  int preview_ms = 200;            // live preview at most this often
  RequestLimits limits;
};

// "HOST:PORT", "[::1]:PORT", ":PORT" or "PORT" (host kept from `cfg`). Throws Error.
void parse_listen(const std::string& spec, ServerConfig& cfg);
bool is_loopback_host(const std::string& host);
// Throws Error when the configuration is unsafe or inconsistent (remote without allow_remote,
// malformed auth).
void check_config(const ServerConfig& cfg);

}  // namespace easel::server
