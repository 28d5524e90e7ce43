// Problem: the one place where an ErrorKind becomes an HTTP status, and where errors are
// rendered as RFC 9457 `application/problem+json` (DESIGN.md "HTTP API (contract)"):
//
//   {"type": "https://ordo.dev/problems/not-found", "title": "Not found", "status": 404,
//    "detail": "...", "errors": [{"field", "message"}], "allowed": ["resolved", ...]}
//
// `errors` and `allowed` appear only when non-empty. For internal errors the detail is a
// fixed sentence: the real message must be logged by the caller, never sent to the client.
// Pure functions; thread-safe.
//
//   Response r = problem_response(not_found("no such incident"));
//   Response m = problem_response(405, "method-not-allowed", "Method not allowed", "...");
#pragma once

#include <string>
#include <string_view>

#include "domain/result.h"
#include "http/message.h"

namespace ordo {

inline constexpr std::string_view kProblemJson = "application/problem+json";
inline constexpr std::string_view kProblemTypeBase = "https://ordo.dev/problems/";

unsigned http_status(ErrorKind kind);
std::string_view problem_slug(ErrorKind kind);   // "not-found"
std::string_view problem_title(ErrorKind kind);  // "Not found"

// The problem+json document for `e` (the detail of kInternal replaced by a generic one).
std::string render_problem(const Error& e);
Response problem_response(const Error& e);

// Problems that are HTTP-level only (405, 415, ...) and have no ErrorKind.
Response problem_response(unsigned status, std::string_view slug, std::string_view title,
                          std::string_view detail);

}  // namespace ordo
