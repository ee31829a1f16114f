// The fuzz targets' stand-in for the HTTP client: HttpClient (declared in
// src/engine/http.h) is defined by fake_http.cpp, which answers every request
// from fake_server instead of the network. run.sh compiles the real
// src/engine/http*.cpp with its class renamed, so the rest of that file (retry
// policy, header parsing) stays in the build.
#pragma once

#include <functional>

#include "engine/http/http.h"

namespace cfdw::fuzz {

// Answers one request; may throw cfdw::Error like a transport failure.
extern std::function<HttpResponse(const HttpRequest&)> fake_server;

}  // namespace cfdw::fuzz
