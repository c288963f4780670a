// Server: the HTTP front (cpp-httplib) over a GenerationService: A1111's /sdapi/v1 API, the
// web UI's files, auth, body limits, and the job queue with its one generation thread.
#pragma once
#include <memory>

#include "server/engine_service.h"
#include "server/server_config.h"

namespace easel::server {

class JobQueue;

class Server {
 public:
  // Checks the configuration (throws Error) and sets up routes; nothing listens yet.
  Server(GenerationService& service, ServerConfig cfg);
  ~Server();  // stops listening and the generation thread
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds (cfg.port 0: an ephemeral port) and serves on a background thread. Throws Error.
  int start();
  int port() const;
  void stop();  // idempotent
  JobQueue& queue();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace easel::server
