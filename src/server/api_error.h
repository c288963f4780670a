// ApiError: an HTTP error in A1111's JSON shape ({"error", "detail", "body", "errors"}), thrown
// by request parsing and handlers and turned into a response at the route boundary.
#pragma once
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace easel::server {

struct ApiError : std::runtime_error {
  int status;
  std::string error;      // A1111's exception class name ("HTTPException", "RequestValidationError")
  nlohmann::json detail;  // a message string, or FastAPI's [{loc, msg, type}] list for 422s
  ApiError(int status_, std::string error_, nlohmann::json detail_, const std::string& message)
      : std::runtime_error(message), status(status_), error(std::move(error_)), detail(std::move(detail_)) {}
  // An HTTPException(status, detail) as A1111 raises them.
  static ApiError http(int status, const std::string& detail) { return ApiError(status, "HTTPException", detail, detail); }

  nlohmann::json body_json(const nlohmann::json& request_body = "") const {
    return {{"error", error}, {"detail", detail}, {"body", request_body}, {"errors", what()}};
  }
};

}  // namespace easel::server
