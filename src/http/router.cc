#include "http/router.h"

#include <algorithm>
#include <exception>

#include "app/app.h"
#include "http/access_log.h"
#include "http/handlers.h"
#include "http/headers.h"
#include "http/problem.h"
#include "http/static_files.h"

namespace ordo {
namespace {

constexpr std::string_view kUnmatchedRoute = "unmatched";
constexpr std::string_view kStaticRoute = "static";
constexpr std::string_view kApiCsp = "default-src 'none'; frame-ancestors 'none'";

std::vector<std::string_view> split_pattern(std::string_view pattern) {
  std::vector<std::string_view> out;
  if (pattern.starts_with('/')) pattern.remove_prefix(1);
  if (pattern.empty()) return out;
  while (true) {
    std::size_t slash = pattern.find('/');
    out.push_back(pattern.substr(0, slash));
    if (slash == std::string_view::npos) break;
    pattern.remove_prefix(slash + 1);
  }
  return out;
}

bool is_capture(std::string_view seg) { return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}'; }

// True when pattern `a` is more specific than `b`: at the first segment where one has a
// literal and the other a capture, `a` has the literal. Both match the same path, so they
// have the same number of segments.
bool more_specific(std::string_view a, std::string_view b) {
  auto sa = split_pattern(a), sb = split_pattern(b);
  for (std::size_t i = 0; i < sa.size() && i < sb.size(); ++i) {
    bool ca = is_capture(sa[i]), cb = is_capture(sb[i]);
    if (ca != cb) return !ca;
  }
  return false;
}

// Maps an authentication failure to 401, except the failures that are not the client's
// credentials' fault (database down, throttled, bug), which keep their own status.
Error auth_failure(const Error& e) {
  switch (e.kind) {
    case ErrorKind::kUnavailable:
    case ErrorKind::kInternal:
    case ErrorKind::kTooManyRequests:
      return e;
    default:
      return Error{ErrorKind::kUnauthenticated, "invalid or expired credentials", {}, {}};
  }
}

Result<Principal> authenticate(App& app, const Request& req) {
  Credentials c = find_credentials(req);
  switch (c.kind) {
    case Credentials::Kind::kNone:
      return Error{ErrorKind::kUnauthenticated, "authentication required", {}, {}};
    case Credentials::Kind::kMalformed:
      return Error{ErrorKind::kUnauthenticated, "unsupported Authorization header; use Bearer", {}, {}};
    case Credentials::Kind::kBearer: {
      auto p = app.authenticate_bearer(c.token);
      if (!p) return auth_failure(p.error());
      return p;
    }
    case Credentials::Kind::kSession: {
      auto p = app.authenticate_session(c.token);
      if (!p) return auth_failure(p.error());
      return p;
    }
  }
  return Error{ErrorKind::kUnauthenticated, "authentication required", {}, {}};
}

void add_default_headers(Response& r, bool is_static) {
  if (!r.header("X-Content-Type-Options")) r.set_header("X-Content-Type-Options", "nosniff");
  if (is_static) return;
  if (!r.header("Cache-Control")) r.set_header("Cache-Control", "no-store");
  if (!r.header("Content-Security-Policy")) r.set_header("Content-Security-Policy", std::string(kApiCsp));
}

}  // namespace

std::string_view path_param(const PathParams& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

namespace {
Route quick(Route r) {
  r.quick = true;
  return r;
}
}  // namespace

std::vector<Route> api_routes(const RouterOptions& o) {
  using A = Access;
  // Literal routes and record routes share shapes; the more specific pattern wins (router.h).
  return {
      quick({"GET", "/healthz", A::kAnonymous, health_handler, Rule::kPublic}),
      {"GET", "/metrics", A::kAnonymous, metrics_handler(o.metrics), Rule::kPublic},
      {"POST", "/api/v1/auth/login", A::kAnonymous, login_handler(o.secure_cookies), Rule::kPublic},
      {"POST", "/api/v1/auth/logout", A::kAuthenticated, logout_handler(o.secure_cookies), Rule::kAnyUser},
      {"POST", "/api/v1/auth/logout-all", A::kAuthenticated, logout_all_handler(o.secure_cookies), Rule::kAnyUser},
      quick({"GET", "/api/v1/me", A::kAuthenticated, me_handler, Rule::kAnyUser}),
      {"GET", "/api/v1/tokens", A::kAuthenticated, list_tokens_handler, Rule::kAnyUser},
      {"POST", "/api/v1/tokens", A::kAuthenticated, create_token_handler, Rule::kAnyUser},
      {"DELETE", "/api/v1/tokens/{id}", A::kAuthenticated, revoke_token_handler, Rule::kAnyUser},
      {"GET", "/api/v1/users", A::kAuthenticated, list_users_handler, Rule::kStaffRead},
      {"POST", "/api/v1/users", A::kAuthenticated, create_user_handler, Rule::kAdmin},
      quick({"GET", "/api/v1/users/{id}", A::kAuthenticated, get_user_handler, Rule::kStaffRead}),
      {"PATCH", "/api/v1/users/{id}", A::kAuthenticated, patch_user_handler, Rule::kAdmin},
      {"POST", "/api/v1/users/{id}/password", A::kAuthenticated, set_password_handler, Rule::kAdmin},
      {"GET", "/api/v1/audit/events", A::kAuthenticated, audit_events_handler, Rule::kAudit},
      {"POST", "/api/v1/import/incidents", A::kAuthenticated, import_incidents_handler, Rule::kImport, "application/x-ndjson"},
      {"GET", "/api/v1/meta", A::kAuthenticated, meta_handler, Rule::kAnyUser},
      {"GET", "/api/v1/catalogue", A::kAuthenticated, catalogue_handler, Rule::kAnyUser},
      {"GET", "/api/v1/reports/sla", A::kAuthenticated, sla_report_handler, Rule::kStaffRead},
      {"GET", "/api/v1/knowledge", A::kAuthenticated, knowledge_handler, Rule::kAnyUser},
      {"GET", "/api/v1/knowledge_articles/{id}/revisions", A::kAuthenticated, knowledge_revisions_handler, Rule::kRecordRead},
      // Problems (a literal type: the isolation suite applies the problem type's policies).
      {"GET", "/api/v1/reports/incident-trends", A::kAuthenticated, incident_trends_handler, Rule::kStaffRead},
      {"POST", "/api/v1/problems/from-incidents", A::kAuthenticated, problem_from_incidents_handler, Rule::kRecordCreate},
      {"GET", "/api/v1/problems/{id}/incidents", A::kAuthenticated, problem_incidents_handler, Rule::kRecordRead},
      {"POST", "/api/v1/problems/{id}/incidents", A::kAuthenticated, link_problem_incidents_handler, Rule::kRecordUpdate},
      {"DELETE", "/api/v1/problems/{id}/incidents/{incident_id}", A::kAuthenticated, unlink_problem_incident_handler, Rule::kRecordUpdate},
      {"GET", "/api/v1/reports/tickets", A::kAuthenticated, ticket_report_handler, Rule::kStaffRead},
      {"GET", "/api/v1/queues", A::kAuthenticated, queues_handler, Rule::kStaffRead},
      {"GET", "/api/v1/search", A::kAuthenticated, search_handler, Rule::kAnyUser},
      {"POST", "/api/v1/service_requests/{id}/approval", A::kAuthenticated, approval_handler, Rule::kApprover},
      {"GET", "/api/v1/{type}", A::kAuthenticated, list_records_handler, Rule::kRecordRead},
      {"POST", "/api/v1/{type}", A::kAuthenticated, create_record_handler, Rule::kRecordCreate},
      quick({"GET", "/api/v1/{type}/{id}", A::kAuthenticated, get_record_handler, Rule::kRecordRead}),
      {"PATCH", "/api/v1/{type}/{id}", A::kAuthenticated, patch_record_handler, Rule::kRecordUpdate},
      {"POST", "/api/v1/{type}/{id}/transitions", A::kAuthenticated, transition_handler, Rule::kRecordTransition},
      {"GET", "/api/v1/{type}/{id}/history", A::kAuthenticated, history_handler, Rule::kRecordRead},
      {"GET", "/api/v1/{type}/{id}/sla", A::kAuthenticated, sla_handler, Rule::kRecordRead},
      // The ticket conversation (conversation_handlers.cc) and the caller's notifications.
      {"GET", "/api/v1/{type}/{id}/comments", A::kAuthenticated, list_comments_handler, Rule::kTicketRead},
      {"POST", "/api/v1/{type}/{id}/comments", A::kAuthenticated, add_comment_handler, Rule::kTicketWrite},
      {"GET", "/api/v1/{type}/{id}/attachments", A::kAuthenticated, list_attachments_handler, Rule::kTicketRead},
      {"POST", "/api/v1/{type}/{id}/attachments", A::kAuthenticated, upload_attachment_handler, Rule::kTicketWrite,
       kAnyMediaType, o.upload_limit},
      quick({"GET", "/api/v1/attachments/{id}", A::kAuthenticated, get_attachment_handler, Rule::kAttachment}),
      {"GET", "/api/v1/attachments/{id}/content", A::kAuthenticated, attachment_content_handler, Rule::kAttachment},
      {"GET", "/api/v1/{type}/{id}/watchers", A::kAuthenticated, list_watchers_handler, Rule::kTicketRead},
      {"POST", "/api/v1/{type}/{id}/watchers", A::kAuthenticated, add_watcher_handler, Rule::kTicketWrite},
      {"DELETE", "/api/v1/{type}/{id}/watchers/{user}", A::kAuthenticated, remove_watcher_handler, Rule::kTicketWrite},
      {"GET", "/api/v1/notifications", A::kAuthenticated, list_notifications_handler, Rule::kAnyUser},
      {"POST", "/api/v1/notifications/read-all", A::kAuthenticated, read_all_notifications_handler, Rule::kAnyUser},
      {"POST", "/api/v1/notifications/{id}/read", A::kAuthenticated, read_notification_handler, Rule::kOwnItem},
      {"POST", "/api/v1/{type}/{id}/survey", A::kAuthenticated, survey_handler, Rule::kRecordRead},
  };
}

std::optional<PathParams> match_pattern(std::string_view pattern, const std::vector<std::string>& segments) {
  auto parts = split_pattern(pattern);
  if (parts.size() != segments.size()) return std::nullopt;
  PathParams params;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (is_capture(parts[i])) {
      if (segments[i].empty()) return std::nullopt;
      params.emplace_back(std::string(parts[i].substr(1, parts[i].size() - 2)), segments[i]);
    } else if (parts[i] != segments[i]) {
      return std::nullopt;
    }
  }
  return params;
}

namespace {

// match_pattern without building anything: every request tries every route's pattern, so
// this walks the pattern in place (splitting each pattern into a vector and copying its
// captures showed in the profile of GET /api/v1/incidents/{id}; docs/performance.md).
bool pattern_matches(std::string_view pattern, const std::vector<std::string>& segments) {
  if (pattern.starts_with('/')) pattern.remove_prefix(1);
  if (pattern.empty()) return segments.empty();
  std::size_t i = 0;
  while (true) {
    const std::size_t slash = pattern.find('/');
    const std::string_view part = pattern.substr(0, slash);
    if (i >= segments.size()) return false;
    if (is_capture(part) ? segments[i].empty() : part != segments[i]) return false;
    ++i;
    if (slash == std::string_view::npos) break;
    pattern.remove_prefix(slash + 1);
  }
  return i == segments.size();
}

}  // namespace

RouteMatch match_route(const std::vector<Route>& routes, std::string_view method,
                       const std::vector<std::string>& segments) {
  // The most specific pattern that matches the path decides; its methods are the Allow list.
  const Route* best = nullptr;
  for (const auto& r : routes) {
    if (!pattern_matches(r.pattern, segments)) continue;
    if (!best || more_specific(r.pattern, best->pattern)) best = &r;
  }
  RouteMatch m;
  if (!best) return m;
  std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (const auto& r : routes) {
    if (r.pattern != best->pattern) continue;
    if (r.method == wanted) {
      m.route = &r;
      m.params = *match_pattern(r.pattern, segments);
      m.allow.clear();
      return m;
    }
    m.allow.push_back(r.method);
    if (r.method == "GET") m.allow.push_back("HEAD");
  }
  return m;
}

Credentials find_credentials(const Request& req) {
  if (auto auth = req.header("authorization")) {
    auto token = parse_bearer(*auth);
    if (!token) return {Credentials::Kind::kMalformed, {}};
    return {Credentials::Kind::kBearer, *token};
  }
  if (auto cookie = req.header("cookie")) {
    if (auto token = find_cookie(*cookie, kSessionCookie); token && !token->empty())
      return {Credentials::Kind::kSession, *token};
  }
  return {};
}

Result<void> check_access(const Request& req, const Principal& p) {
  if (!is_unsafe_method(req.method)) return ok();
  if (p.read_only) return Error{ErrorKind::kForbidden, "this API token is read-only", {}, {}};
  if (p.via_session) {
    auto sent = req.header("x-csrf-token");
    if (!sent || p.csrf_token.empty() || !constant_time_equals(*sent, p.csrf_token))
      return Error{ErrorKind::kForbidden, "missing or invalid X-CSRF-Token header", {}, {}};
  }
  return ok();
}

Router::Router(App& app, RouterOptions options)
    : app_(app), options_(std::move(options)), routes_(api_routes(options_)) {}

std::size_t Router::body_limit(std::string_view method, std::string_view target, std::size_t server_limit) const {
  auto t = parse_target(target);
  if (!t) return server_limit;
  RouteMatch m = match_route(routes_, method, t->segments);
  return m.route ? std::max(server_limit, m.route->body_limit) : server_limit;
}

std::size_t Router::max_body_limit(std::size_t server_limit) const {
  for (const auto& r : routes_) server_limit = std::max(server_limit, r.body_limit);
  return server_limit;
}

Router::Outcome Router::dispatch(const Request& req, const RouteMatch& m) const {
  Outcome out;
  try {
    out = run(req, m);
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "handler threw", {{"request_id", req.request_id}, {"error", e.what()}});
    out.response = problem_response(internal_error("exception"));
  } catch (...) {
    log_event(LogLevel::kError, "handler threw", {{"request_id", req.request_id}, {"error", "unknown exception"}});
    out.response = problem_response(internal_error("exception"));
  }
  if (out.route.empty()) out.route = kUnmatchedRoute;
  add_default_headers(out.response, out.route == kStaticRoute);
  return out;
}

Router::Outcome Router::run(const Request& req, const RouteMatch& m) const {
  const auto& segments = req.target.segments;
  if (!m.route) {
    bool api = !segments.empty() && segments.front() == "api";
    if (m.allow.empty() && !api && !options_.static_dir.empty() && (req.method == "GET" || req.method == "HEAD")) {
      if (auto r = serve_static(options_.static_dir, segments)) return {std::move(*r), kStaticRoute};
    }
    if (m.allow.empty()) return {problem_response(not_found("no such resource")), kUnmatchedRoute};
    std::string allow;
    for (const auto& method : m.allow) allow += (allow.empty() ? "" : ", ") + method;
    Response r = problem_response(405, "method-not-allowed", "Method not allowed",
                                  "this resource does not support " + req.method);
    r.set_header("Allow", allow);
    return {std::move(r), kUnmatchedRoute};
  }
  const Route& route = *m.route;

  std::optional<Principal> principal;
  if (route.access == Access::kAuthenticated) {
    auto p = authenticate(app_, req);
    if (!p) return {error_response(req, p.error()), route.pattern};
    auto allowed = check_access(req, *p);
    if (!allowed) return {error_response(req, allowed.error()), route.pattern};
    principal = std::move(*p);
  }
  if (!req.body.empty() && route.body_type != kAnyMediaType) {
    auto type = req.header("content-type");
    if (!type || !is_media_type(*type, route.body_type))
      return {problem_response(415, "unsupported-media-type", "Unsupported media type",
                               "request bodies must be " + std::string(route.body_type)),
              route.pattern};
  }
  return {route.handler(app_, req, m.params, principal ? &*principal : nullptr), route.pattern};
}

}  // namespace ordo
