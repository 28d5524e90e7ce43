// Static files: serves the built web UI (web/dist) from a directory for GET/HEAD requests
// outside /api, with the single-page-app fallback: a path whose last segment has no file
// extension and names no file gets index.html, so client-side routes survive a reload.
//
// Only decoded path segments that are plain names are accepted: no "..", no ".", no hidden
// names, no '/', '\\' or NUL inside a segment, so a request never leaves `root`. Responses
// carry the strict Content-Security-Policy and security headers from
// http/headers.h. Reads the file on the calling thread (a worker).
// Thread-safe.
//
//   if (auto r = serve_static("/srv/ordo/web", target.segments)) return *r;
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/headers.h"
#include "http/message.h"

namespace ordo {

// nullopt when nothing is to be served (the caller answers 404).
std::optional<Response> serve_static(const std::string& root, const std::vector<std::string>& segments);

// "text/html; charset=utf-8" for "index.html"; application/octet-stream when unknown.
std::string_view mime_type(std::string_view filename);

}  // namespace ordo
