// Router: the data-driven route table of the HTTP API and the request pipeline around it.
//
// Each Route is {method, pattern, access, handler}. Patterns are "/"-separated literals and
// captures ("/api/v1/{type}/{id}"); captures match one non-empty decoded segment. When
// several patterns match a path the most specific wins (a literal beats a capture at the
// first segment where they differ), so "/api/v1/auth/login" is never read as a record.
// The table is plain data (routes()) so tests can walk it, e.g. to check that every
// non-anonymous route rejects a request without credentials.
//
// dispatch() runs, in order: match (404 / 405 + Allow) -> authenticate (401) -> CSRF and
// read-only checks (403) -> Content-Type check on bodies (415) -> handler. It never throws:
// an exception escaping a handler becomes a logged 500 problem. HEAD is served by the GET
// route (the server drops the body). Handlers are pure functions of (App, Request, path
// params, Principal) that may block on the database; callers run dispatch() off the I/O
// threads. Thread-safe after construction (const).
//
//   Router router(app, {.secure_cookies = false, .metrics = &metrics});
//   Router::Outcome out = router.dispatch(request);   // out.route: pattern for metrics/logs
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"
#include "http/message.h"

namespace ordo {

class App;
class Metrics;
struct Principal;

enum class Access {
  kAnonymous,      // no credentials needed (health, metrics, login)
  kAuthenticated,  // bearer token or session cookie (+ CSRF token on unsafe methods)
};

// Captured path parameters in pattern order, e.g. {{"type", "incidents"}, {"id", "42"}}.
using PathParams = std::vector<std::pair<std::string, std::string>>;
std::string_view path_param(const PathParams& params, std::string_view name);  // "" if absent

// `principal` is non-null exactly when the route's access is kAuthenticated.
using Handler = std::function<Response(App& app, const Request& req, const PathParams& params,
                                       const Principal* principal)>;

// Who may use a route, declared with it so the isolation suite (tests/api/isolation_test.cc)
// can derive the expected answer for every role and organisation. A route without a rule
// fails that suite.
enum class Rule {
  kUnset,
  kPublic,            // anyone, even anonymous
  kAnyUser,           // any authenticated user, about themselves (logout, tokens, me)
  kRecordRead,        // the type's read policy (domain/access.h), scoped to the organisation
  kRecordCreate,      // the type's create policy
  kRecordUpdate,      // read to see it (404), update policy to change it (403)
  kRecordTransition,  // read to see it (404), transition policy to move it (403)
  kStaffRead,         // any role but requester (user directory); requesters may read themselves
  kAdmin,             // administrators only (user management)
  kAudit,             // administrators and auditors (the audit trail)
  kImport,            // administrators and process managers (bulk import with history)
  kTicketRead,        // a ticket's conversation: its type's read policy, ticket types only (others 404)
  kTicketWrite,       // adds to it: read to see it (404); staff who may update it, and requesters
                      // (public replies, files, watching themselves) of its organisation; else 403
  kAttachment,        // one attachment: visible when its ticket is (requesters: not on an internal note)
  kOwnItem,           // the caller's own item by id (a notification); anyone else's is 404, even for admins
  kApprover,          // a record's approver or an administrator; others who may read it 403, the rest 404
};

// A route's body_type that accepts any media type (file uploads).
inline constexpr std::string_view kAnyMediaType = "*/*";

struct Route {
  std::string method;   // "GET", "POST", "PATCH", ...
  std::string pattern;  // "/api/v1/{type}/{id}"
  Access access = Access::kAuthenticated;
  Handler handler;
  Rule rule = Rule::kUnset;
  std::string_view body_type = "application/json";  // the media type a request body must have (415)
  std::size_t body_limit = 0;  // bytes this route's bodies may have when more than the server's (uploads)
  // A point read that answers from one or two indexed lookups: the server may run it on an
  // I/O thread inside a NoWait (store.h), saving two thread hand-offs (ServerOptions).
  bool quick = false;
};

struct RouterOptions {
  bool secure_cookies = false;  // add `Secure` to the session cookie (HTTPS deployments)
  std::string static_dir;       // serve the web UI from here for non-API GETs when set
  const Metrics* metrics = nullptr;  // rendered by GET /metrics (with the app's StoreStats)
  std::size_t upload_limit = 0;      // body limit of file uploads (AttachmentOptions::max_bytes)
};

// The API's route table (handlers in handlers.cc).
std::vector<Route> api_routes(const RouterOptions& options);

// Captures of `pattern` against decoded `segments`; nullopt when it does not match.
std::optional<PathParams> match_pattern(std::string_view pattern, const std::vector<std::string>& segments);

struct RouteMatch {
  const Route* route = nullptr;    // the route to run, when one matches path and method
  PathParams params;
  std::vector<std::string> allow;  // the path matched but the method did not: the Allow list
};
RouteMatch match_route(const std::vector<Route>& routes, std::string_view method,
                       const std::vector<std::string>& segments);

// Where the request's credentials are. A bearer token wins over the cookie (it is not
// ambient, so it needs no CSRF token).
struct Credentials {
  enum class Kind { kNone, kBearer, kSession, kMalformed } kind = Kind::kNone;
  std::string_view token;  // points into the request
};
Credentials find_credentials(const Request& req);

// What an authenticated principal may not do with this request: kForbidden for an unsafe
// method with a read-only token, or cookie-authenticated without a matching X-CSRF-Token.
Result<void> check_access(const Request& req, const Principal& principal);

class Router {
 public:
  Router(App& app, RouterOptions options);

  struct Outcome {
    Response response;
    std::string_view route;  // the matched pattern, "static" or "unmatched"; lives as long as the Router
  };
  Outcome dispatch(const Request& req) const { return dispatch(req, match(req)); }
  // The same with the route already matched by match(req) (the server matches once to decide
  // where a request runs, ServerOptions::quick_reads_inline).
  Outcome dispatch(const Request& req, const RouteMatch& m) const;
  RouteMatch match(const Request& req) const { return match_route(routes_, req.method, req.target.segments); }

  const std::vector<Route>& routes() const { return routes_; }

  // The largest body a request for `method` `target` (as sent, percent-encoded) may have:
  // its route's body_limit when larger than `server_limit`. max_body_limit(): the largest
  // of all, for reading headers before the route is known.
  std::size_t body_limit(std::string_view method, std::string_view target, std::size_t server_limit) const;
  std::size_t max_body_limit(std::size_t server_limit) const;

 private:
  Outcome run(const Request& req, const RouteMatch& m) const;

  // Constant after construction.
  App& app_;
  const RouterOptions options_;
  const std::vector<Route> routes_;
};

}  // namespace ordo
