// `easel serve`: the A1111-compatible HTTP API and the web UI over one loaded model. Loopback
// only unless --allow-remote; SIGINT/SIGTERM stop it cleanly (running job interrupted).
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/cli_parse.h"
#include "cli/command.h"
#include "core/error.h"
#include "core/log.h"
#include "core/thread_pool.h"
#include "pipeline/model_finder.h"
#include "server/http_server.h"
#include "server/pipeline_service.h"

namespace {
using namespace easel;
namespace fs = std::filesystem;

// <dir of the running executable>/../web, where the UI's files live in a checkout or install.
std::string default_web_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (fs::path d : {exe.parent_path().parent_path() / "web", exe.parent_path().parent_path() / "share" / "easel" / "web"})
    if (fs::is_regular_file(d / "index.html")) return d.string();
  return "";
}

int run_serve(const std::vector<std::string>& args) {
  CLI::App app{"Serve the AUTOMATIC1111-compatible API (/sdapi/v1) and the web UI", "easel serve"};
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  server::ServerConfig cfg;
  std::string listen = "127.0.0.1:7860", models_dir, model, tokenizer, web_dir;
  int threads = 0, max_body_mb = 50;
  bool no_ui = false, no_hash = false;
  app.add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:7860; port 0 picks a free one)");
  app.add_flag("--allow-remote", cfg.allow_remote, "allow a non-loopback --listen address (other machines can connect)");
  app.add_option("--models-dir", models_dir, "A1111-style models folder (default $EASEL_MODELS_DIR or <easel>/../models)");
  app.add_option("-m,--model", model, "checkpoint to start with: a path, or a name or hash in <models-dir>/Stable-diffusion");
  app.add_option("--tokenizer", tokenizer, "CLIP tokenizer folder (vocab.json, merges.txt); default <models-dir>/tokenizer");
  app.add_option("--api-auth", cfg.api_auth, "require HTTP Basic auth for the API: user:pass[,user:pass...]");
  app.add_option("--ui-auth", cfg.ui_auth, "require HTTP Basic auth for the web UI (and the API it uses): user:pass[,...]");
  app.add_option("--web-dir", web_dir, "folder with the web UI's files (default <easel>/../web)");
  app.add_flag("--no-ui", no_ui, "serve the API only");
  app.add_option("--styles", cfg.styles_file, "A1111 styles.csv for /prompt-styles and the `styles` field");
  app.add_option("--queue", cfg.max_pending, "jobs that may wait besides the running one; more get 503 (default 8)");
  app.add_option("--max-body-mb", max_body_mb, "largest request body in MiB (default 50)");
  app.add_option("--max-pixels", cfg.limits.max_pixels, "largest width*height of one image (default 4194304)");
  app.add_option("--max-images", cfg.limits.max_images, "largest batch_size*n_iter of one request (default 64)");
  app.add_option("--http-threads", cfg.threads, "HTTP threads (default queue + 16)");
  app.add_option("--preview-ms", cfg.preview_ms, "live preview at most every N ms (default 200)");
  app.add_option("--threads", threads, "compute threads (default: all cores)");
  app.add_flag("--no-hash", no_hash, "do not hash checkpoints (no AutoV2 hash in infotexts and titles)");
  auto validate = [&] {
    if (max_body_mb < 1 || max_body_mb > 4096) throw CLI::ValidationError("--max-body-mb", "expected 1..4096");
    if (threads < 0) throw CLI::ValidationError("--threads", "expected >= 0");
    if (cfg.preview_ms < 0) throw CLI::ValidationError("--preview-ms", "expected >= 0");
    if (cfg.limits.max_pixels < 64 || cfg.limits.max_images < 1) throw CLI::ValidationError("--max-pixels/--max-images", "too small");
    server::parse_listen(listen, cfg);
    server::check_config(cfg);
  };
  if (auto rc = cli::parse_command_line(app, args, "easel serve", validate)) return *rc;
  cfg.max_body_bytes = size_t(max_body_mb) << 20;
  // Signals are taken synchronously by this thread (sigwait below). Blocked before any thread
  // exists (the compute pool starts with the model load) so that every thread inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (threads > 0) set_num_threads(threads);
  if (cfg.allow_remote && cfg.api_auth.empty() && cfg.ui_auth.empty())
    log_warn("serve: listening beyond loopback without --api-auth/--ui-auth: anyone who can reach {} can use it", cfg.host);

  server::PipelineServiceOptions so;
  so.models_dir = models_dir.empty() ? default_models_dir() : models_dir;
  so.load.tokenizer_dir = tokenizer;
  so.load.default_tokenizer_dir = (fs::path(so.models_dir) / "tokenizer").string();
  if (const char* e = std::getenv("EASEL_TOKENIZER"); e && *e && tokenizer.empty()) so.load.default_tokenizer_dir = e;
  so.load.hash = !no_hash;
  if (!model.empty() && fs::exists(model)) so.extra_models.push_back(model);
  // The built-in model is always offered; it is the default when the models folder has none.
  so.builtin_model = builtin_model_path(so.models_dir);
  server::PipelineService service(so);
  if (!model.empty()) {
    // Load before listening so the first request is fast and a bad model fails at start.
    service.select_checkpoint(service.resolve_checkpoint(model));
  } else if (service.current_checkpoint().empty()) {
    log_warn("serve: no checkpoint in {}/Stable-diffusion and no built-in model; pass --model PATH", so.models_dir);
  }
  if (!no_ui) {
    cfg.web_dir = web_dir.empty() ? default_web_dir() : web_dir;
    if (cfg.web_dir.empty()) log_warn("serve: web UI files not found next to the executable; pass --web-dir (API only)");
  }

  server::Server srv(service, cfg);
  const int port = srv.start();
  std::printf("easel serve: http://%s:%d/  (API at /sdapi/v1, Ctrl+C to stop)\n",
              cfg.host.find(':') != std::string::npos ? ("[" + cfg.host + "]").c_str() : cfg.host.c_str(), port);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  log_info("serve: signal {}, stopping", sig);
  srv.stop();
  return 0;
}
}  // namespace
EASEL_COMMAND("serve", "serve the A1111-compatible HTTP API and the web UI", run_serve);
