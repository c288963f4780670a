// Listen-address parsing and the configuration checks run before the server binds.
#include "server/server_config.h"

#include <arpa/inet.h>

#include "core/error.h"

namespace easel::server {

void parse_listen(const std::string& spec, ServerConfig& cfg) {
  std::string host = cfg.host, port = spec;
  if (!spec.empty() && spec[0] == '[') {
    const size_t close = spec.find(']');
    if (close == std::string::npos || close + 1 >= spec.size() || spec[close + 1] != ':')
      fail("--listen: expected [IPV6]:PORT, got '{}'", spec);
    host = spec.substr(1, close - 1);
    port = spec.substr(close + 2);
  } else if (const size_t colon = spec.rfind(':'); colon != std::string::npos) {
    if (spec.find(':') != colon) fail("--listen: write IPv6 addresses as [ADDR]:PORT, got '{}'", spec);
    if (colon > 0) host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
  }
  int p = -1;
  try {
    size_t pos = 0;
    p = std::stoi(port, &pos);
    if (pos != port.size()) p = -1;
  } catch (...) {
  }
  if (p < 0 || p > 65535) fail("--listen: expected a port 0..65535, got '{}'", port);
  cfg.host = host;
  cfg.port = p;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

static void check_auth(const std::string& flag, const std::string& spec) {
  if (spec.empty()) return;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    const std::string pair = spec.substr(start, end - start);
    const size_t colon = pair.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == pair.size())
      fail("{}: expected user:password[,user:password...], got an entry without both parts", flag);
    start = end + 1;
  }
}

void check_config(const ServerConfig& cfg) {
  if (!cfg.allow_remote && !is_loopback_host(cfg.host))
    fail("--listen {}: not a loopback address; pass --allow-remote to serve other machines "
         "(and consider --api-auth/--ui-auth)", cfg.host);
  check_auth("--api-auth", cfg.api_auth);
  check_auth("--ui-auth", cfg.ui_auth);
  if (cfg.max_pending < 1 || cfg.max_pending > 10000) fail("--queue: expected 1..10000, got {}", cfg.max_pending);
  if (cfg.max_body_bytes < 1024) fail("--max-body-mb: too small");
}

}  // namespace easel::server
