// Test helpers: a Server on an ephemeral loopback port over a given service, and JSON calls
// through a real HTTP client.
#pragma once
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "common/oracle.h"
#include "server/base64.h"
#include "server/http_server.h"
#include "server/job_queue.h"

namespace easel::test {
using nlohmann::json;

struct Reply {
  int status = 0;  // 0: no response (connection failed)
  json body;
  std::string raw;
  httplib::Headers headers;
};

inline Reply to_reply(const httplib::Result& r) {
  Reply out;
  if (!r) return out;
  out.status = r->status;
  out.raw = r->body;
  out.headers = r->headers;
  out.body = json::parse(r->body, nullptr, false);
  return out;
}

class Running {
 public:
  Running(server::GenerationService& svc, server::ServerConfig cfg = {}) {
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    srv_ = std::make_unique<server::Server>(svc, cfg);
    port_ = srv_->start();
  }
  int port() const { return port_; }
  server::Server& server() { return *srv_; }
  std::unique_ptr<httplib::Client> client(const std::string& user = "", const std::string& pass = "") const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(120);
    c->set_connection_timeout(5);
    if (!user.empty()) c->set_basic_auth(user.c_str(), pass.c_str());
    return c;
  }
  Reply get(const std::string& path) const { return to_reply(client()->Get(path.c_str())); }
  Reply post(const std::string& path, const json& body) const {
    return to_reply(client()->Post(path.c_str(), body.dump(), "application/json"));
  }

 private:
  std::unique_ptr<server::Server> srv_;
  int port_ = 0;
};

// The decoded PNG of images[i] of a txt2img/img2img reply.
inline Image reply_image(const Reply& r, size_t i) {
  auto bytes = server::base64_decode(r.body.at("images").at(i).get<std::string>());
  if (!bytes) throw std::runtime_error("images[i] is not base64");
  return decode_image(bytes->data(), bytes->size());
}

inline void expect_error_shape(const Reply& r, int status) {
  EXPECT_EQ(r.status, status) << r.raw;
  ASSERT_TRUE(r.body.is_object()) << r.raw;
  for (const char* k : {"error", "detail", "body", "errors"}) EXPECT_TRUE(r.body.contains(k)) << k << " in " << r.raw;
}

}  // namespace easel::test
