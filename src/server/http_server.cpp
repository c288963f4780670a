// Server set-up: thread pool sized past the queue (so /progress answers while jobs wait), body
// limit, HTTP Basic auth (A1111's --api-auth), the UI's static files, JSON error pages.
#include "server/http_server.h"

#include <httplib.h>

#include <filesystem>
#include <thread>

#include "core/error.h"
#include "core/log.h"
#include "server/api_error.h"
#include "server/base64.h"
#include "server/server_context.h"
#include "server/styles.h"

namespace easel::server {
using nlohmann::json;

struct Server::Impl {
  Impl(GenerationService& s, ServerConfig c) : ctx(s, std::move(c)) {}
  ServerContext ctx;
  httplib::Server http;
  std::thread thread;
  int port = -1;
};

namespace {

std::vector<std::pair<std::string, std::string>> parse_creds(const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (!spec.empty() && start <= spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    const std::string pair = spec.substr(start, end - start);
    const size_t colon = pair.find(':');
    out.emplace_back(pair.substr(0, colon), pair.substr(colon + 1));
    start = end + 1;
  }
  return out;
}

// Compares without an early exit so the time taken does not tell how much matched.
bool same(const std::string& a, const std::string& b) {
  unsigned char d = a.size() != b.size();
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) d |= uint8_t(a[i] ^ b[i]);
  return d == 0;
}

bool authorised(const httplib::Request& req, const std::vector<std::pair<std::string, std::string>>& creds) {
  const std::string h = req.get_header_value("Authorization");
  if (h.rfind("Basic ", 0) != 0) return false;
  auto dec = base64_decode(h.substr(6));
  if (!dec) return false;
  const std::string up(dec->begin(), dec->end());
  const size_t colon = up.find(':');
  if (colon == std::string::npos) return false;
  bool ok = false;
  for (auto& [u, p] : creds) ok |= same(up.substr(0, colon), u) & same(up.substr(colon + 1), p);
  return ok;
}

bool is_api_path(const std::string& path) { return path.rfind("/sdapi/", 0) == 0 || path.rfind("/easel/", 0) == 0; }

}  // namespace

Server::Server(GenerationService& service, ServerConfig cfg) {
  check_config(cfg);
  impl_ = std::make_unique<Impl>(service, std::move(cfg));
  ServerContext& ctx = impl_->ctx;
  httplib::Server& http = impl_->http;
  ctx.styles = load_styles(ctx.cfg.styles_file);

  const size_t threads = ctx.cfg.threads > 0 ? size_t(ctx.cfg.threads) : ctx.cfg.max_pending + 16;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(ctx.cfg.max_body_bytes);
  http.set_keep_alive_max_count(1000);
  http.set_read_timeout(30);
  http.set_write_timeout(30);

  // The UI uses the API, so UI credentials open it too; with only --ui-auth the API is closed
  // to anyone without them (otherwise the UI's lock would be a formality).
  auto api_creds = parse_creds(ctx.cfg.api_auth);
  auto ui_creds = parse_creds(ctx.cfg.ui_auth);
  http.set_pre_routing_handler([api_creds, ui_creds](const httplib::Request& req, httplib::Response& res) {
    bool need = false, ok = false;
    if (is_api_path(req.path)) {
      need = !api_creds.empty() || !ui_creds.empty();
      ok = authorised(req, api_creds) || authorised(req, ui_creds);
    } else {
      need = !ui_creds.empty();
      ok = authorised(req, ui_creds);
    }
    if (!need || ok) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 401;
    res.set_header("WWW-Authenticate", "Basic realm=\"easel\"");
    res.set_content(ApiError::http(401, "Incorrect username or password").body_json().dump(), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });

  if (!ctx.cfg.web_dir.empty()) {
    if (!std::filesystem::is_regular_file(std::filesystem::path(ctx.cfg.web_dir) / "index.html"))
      fail("--web-dir {}: no index.html there", ctx.cfg.web_dir);
    http.set_mount_point("/", ctx.cfg.web_dir, {{"Cache-Control", "no-cache"}});
  }

  register_api_routes(http, ctx);

  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    std::string name = "Exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::bad_alloc&) {
      what = "out of memory";
      name = "MemoryError";
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(json{{"error", name}, {"detail", ""}, {"body", ""}, {"errors", what}}.dump(), "application/json");
  });
  // FastAPI's bodies for errors raised by the transport (404 route, 413 body too large, ...).
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string detail = res.status == 404 ? "Not Found" : res.status == 413 ? "Request body too large" : "Error";
    if (res.status == 413) detail += " (see --max-body-mb)";
    res.set_content(json{{"detail", detail}}.dump(), "application/json");
  });
}

Server::~Server() { stop(); }

int Server::start() {
  Impl& m = *impl_;
  if (m.port >= 0) return m.port;
  const std::string& host = m.ctx.cfg.host == "localhost" ? std::string("127.0.0.1") : m.ctx.cfg.host;
  if (m.ctx.cfg.port == 0) {
    m.port = m.http.bind_to_any_port(host);
    if (m.port < 0) fail("cannot bind {}: {}", host, std::strerror(errno));
  } else {
    if (!m.http.bind_to_port(host, m.ctx.cfg.port))
      fail("cannot listen on {}:{} ({}); is another server using it?", host, m.ctx.cfg.port, std::strerror(errno));
    m.port = m.ctx.cfg.port;
  }
  m.thread = std::thread([&m] { m.http.listen_after_bind(); });
  // listen_after_bind returns immediately if called before the socket is ready; wait until up.
  for (int i = 0; i < 500 && !m.http.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  log_info("easel serve: listening on http://{}:{}/", host, m.port);
  return m.port;
}

int Server::port() const { return impl_->port; }

void Server::stop() {
  if (!impl_) return;
  impl_->ctx.queue.shutdown();  // handlers blocked in wait() must return before the pool joins
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

JobQueue& Server::queue() { return impl_->ctx.queue; }

}  // namespace easel::server
