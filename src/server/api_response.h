// A1111 response bodies built from easel's results: txt2img/img2img (`images`, `parameters`,
// `info` = processed.js()), /progress and /png-info.
#pragma once
#include <nlohmann/json.hpp>

#include "server/api_request.h"
#include "server/job_queue.h"

namespace easel::server {

// {"images": [base64 PNG...], "parameters": {...}, "info": "<json string>"}.
nlohmann::json generation_response(const ParsedRequest& req, const GenerationOutput& out, const std::string& job_timestamp);

// processed.js() as an object (the response carries it serialised as a string).
nlohmann::json processed_info(const ParsedRequest& req, const GenerationOutput& out, const std::string& job_timestamp);

// /sdapi/v1/progress from a queue snapshot; the preview is encoded unless skip_current_image.
nlohmann::json progress_response(const ProgressSnapshot& s, bool skip_current_image);

// /sdapi/v1/png-info for decoded image text chunks: {"info", "items", "parameters"}.
nlohmann::json png_info_response(const Image& img);

// parse_generation_parameters-style dictionary of an infotext (string values, "Size-1"/"Size-2").
nlohmann::json infotext_parameters(const std::string& infotext);

}  // namespace easel::server
