// What every route handler shares: the service, the queue, the options and the configuration.
// Kept free of httplib so only the two route files pay for that header.
#pragma once
#include <vector>

#include "server/engine_service.h"
#include "server/job_queue.h"
#include "server/server_config.h"
#include "server/server_options.h"

namespace httplib {
class Server;
}

namespace easel::server {

struct ServerContext {
  ServerContext(GenerationService& s, ServerConfig c)
      : svc(s), cfg(std::move(c)), queue(s, cfg.max_pending, std::chrono::milliseconds(cfg.preview_ms)), options(s) {}
  GenerationService& svc;
  ServerConfig cfg;
  JobQueue queue;
  ServerOptions options;
  std::vector<PromptStyle> styles;
};

// /sdapi/v1/* and /easel/v1/* handlers.
void register_api_routes(httplib::Server& http, ServerContext& ctx);

// Resident set size and its peak (bytes) from /proc/self/status; 0 where unknown.
std::pair<size_t, size_t> process_rss();

}  // namespace easel::server
