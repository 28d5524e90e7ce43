#include "http/problem.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace ordo {
namespace {

boost::json::object base(unsigned status, std::string_view slug, std::string_view title, std::string_view detail) {
  boost::json::object o;
  o["type"] = std::string(kProblemTypeBase) + std::string(slug);
  o["title"] = title;
  o["status"] = status;
  o["detail"] = detail;
  return o;
}

Response make(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::string(kProblemJson);
  r.body = std::move(body);
  if (status == 401) r.set_header("WWW-Authenticate", "Bearer realm=\"ordo\"");
  return r;
}

}  // namespace

unsigned http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid: return 400;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kPreconditionFailed: return 412;
    case ErrorKind::kUnauthenticated: return 401;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kTooLarge: return 413;
    case ErrorKind::kTooManyRequests: return 429;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

std::string_view problem_slug(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid: return "invalid";
    case ErrorKind::kNotFound: return "not-found";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kPreconditionFailed: return "precondition-failed";
    case ErrorKind::kUnauthenticated: return "unauthenticated";
    case ErrorKind::kForbidden: return "forbidden";
    case ErrorKind::kTooLarge: return "too-large";
    case ErrorKind::kTooManyRequests: return "too-many-requests";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

std::string_view problem_title(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid: return "Invalid request";
    case ErrorKind::kNotFound: return "Not found";
    case ErrorKind::kConflict: return "Conflict";
    case ErrorKind::kPreconditionFailed: return "Precondition failed";
    case ErrorKind::kUnauthenticated: return "Unauthenticated";
    case ErrorKind::kForbidden: return "Forbidden";
    case ErrorKind::kTooLarge: return "Payload too large";
    case ErrorKind::kTooManyRequests: return "Too many requests";
    case ErrorKind::kUnavailable: return "Service unavailable";
    case ErrorKind::kInternal: return "Internal server error";
  }
  return "Internal server error";
}

std::string render_problem(const Error& e) {
  std::string_view detail = e.message;
  if (e.kind == ErrorKind::kInternal) detail = "An unexpected error occurred; it has been logged.";
  if (detail.empty()) detail = problem_title(e.kind);
  auto o = base(http_status(e.kind), problem_slug(e.kind), problem_title(e.kind), detail);
  if (e.kind != ErrorKind::kInternal) {
    if (!e.fields.empty()) {
      boost::json::array errors;
      for (const auto& f : e.fields) errors.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
      o["errors"] = std::move(errors);
    }
    if (!e.allowed.empty()) {
      boost::json::array allowed;
      for (const auto& a : e.allowed) allowed.push_back(boost::json::string(a));
      o["allowed"] = std::move(allowed);
    }
  }
  return boost::json::serialize(o);
}

Response problem_response(const Error& e) {
  Response r = make(http_status(e.kind), render_problem(e));
  if (e.kind == ErrorKind::kTooManyRequests && e.retry_after > 0) r.set_header("Retry-After", std::to_string(e.retry_after));
  return r;
}

Response problem_response(unsigned status, std::string_view slug, std::string_view title, std::string_view detail) {
  return make(status, boost::json::serialize(base(status, slug, title, detail)));
}

}  // namespace ordo
