#include "http/router.h"

#include <set>

#include <gtest/gtest.h>

#include "app/app.h"

namespace ordo {
namespace {

using Segments = std::vector<std::string>;

Segments segs(std::string_view target) {
  auto t = parse_target(target);
  EXPECT_TRUE(t.ok()) << target;
  return t.ok() ? t->segments : Segments{};
}

TEST(MatchPatternTest, LiteralsAndCaptures) {
  auto p = match_pattern("/api/v1/{type}/{id}", segs("/api/v1/incidents/42"));
  ASSERT_TRUE(p);
  EXPECT_EQ(path_param(*p, "type"), "incidents");
  EXPECT_EQ(path_param(*p, "id"), "42");
  EXPECT_EQ(path_param(*p, "missing"), "");
  EXPECT_TRUE(match_pattern("/healthz", segs("/healthz")));
}

TEST(MatchPatternTest, Mismatches) {
  EXPECT_FALSE(match_pattern("/api/v1/{type}/{id}", segs("/api/v1/incidents")));
  EXPECT_FALSE(match_pattern("/api/v1/{type}/{id}", segs("/api/v1/incidents/42/history")));
  EXPECT_FALSE(match_pattern("/api/v1/{type}/{id}", segs("/api/v2/incidents/42")));
  EXPECT_FALSE(match_pattern("/api/v1/{type}/{id}", segs("/api/v1/incidents/")));  // empty capture
  EXPECT_FALSE(match_pattern("/healthz", segs("/healthz/")));
  EXPECT_FALSE(match_pattern("/healthz", segs("/")));
}

TEST(MatchPatternTest, CapturesAreDecoded) {
  auto p = match_pattern("/api/v1/{type}", segs("/api/v1/inci%64ents"));
  ASSERT_TRUE(p);
  EXPECT_EQ(path_param(*p, "type"), "incidents");
}

class RouteTableTest : public ::testing::Test {
 protected:
  std::vector<Route> routes_ = api_routes(RouterOptions{});

  // "METHOD pattern" of the matched route, or "405 Allow-list", or "404".
  std::string route_of(std::string_view method, std::string_view target) {
    RouteMatch m = match_route(routes_, method, segs(target));
    if (m.route) return m.route->method + " " + m.route->pattern;
    if (m.allow.empty()) return "404";
    std::string allow;
    for (const auto& a : m.allow) allow += (allow.empty() ? "" : ",") + a;
    return "405 " + allow;
  }
};

TEST_F(RouteTableTest, EveryContractRouteResolves) {
  EXPECT_EQ(route_of("GET", "/healthz"), "GET /healthz");
  EXPECT_EQ(route_of("GET", "/metrics"), "GET /metrics");
  EXPECT_EQ(route_of("POST", "/api/v1/auth/login"), "POST /api/v1/auth/login");
  EXPECT_EQ(route_of("POST", "/api/v1/auth/logout"), "POST /api/v1/auth/logout");
  EXPECT_EQ(route_of("POST", "/api/v1/tokens"), "POST /api/v1/tokens");
  EXPECT_EQ(route_of("GET", "/api/v1/meta"), "GET /api/v1/meta");
  EXPECT_EQ(route_of("GET", "/api/v1/incidents?status=new"), "GET /api/v1/{type}");
  EXPECT_EQ(route_of("POST", "/api/v1/incidents"), "POST /api/v1/{type}");
  EXPECT_EQ(route_of("GET", "/api/v1/incidents/7"), "GET /api/v1/{type}/{id}");
  EXPECT_EQ(route_of("PATCH", "/api/v1/incidents/7"), "PATCH /api/v1/{type}/{id}");
  EXPECT_EQ(route_of("POST", "/api/v1/incidents/7/transitions"), "POST /api/v1/{type}/{id}/transitions");
  EXPECT_EQ(route_of("GET", "/api/v1/incidents/7/history"), "GET /api/v1/{type}/{id}/history");
}

TEST_F(RouteTableTest, HeadUsesTheGetRoute) {
  EXPECT_EQ(route_of("HEAD", "/healthz"), "GET /healthz");
  EXPECT_EQ(route_of("HEAD", "/api/v1/incidents/7"), "GET /api/v1/{type}/{id}");
}

TEST_F(RouteTableTest, LiteralRoutesWinOverRecordRoutes) {
  // "auth" and "tokens" must not be read as record types, nor "login" as an id.
  EXPECT_EQ(route_of("GET", "/api/v1/auth/login"), "405 POST");
  EXPECT_EQ(route_of("PATCH", "/api/v1/auth/logout"), "405 POST");
  EXPECT_EQ(route_of("GET", "/api/v1/tokens"), "GET /api/v1/tokens");
  EXPECT_EQ(route_of("PATCH", "/api/v1/tokens/3"), "405 DELETE");
  EXPECT_EQ(route_of("GET", "/api/v1/users/3"), "GET /api/v1/users/{id}");
  EXPECT_EQ(route_of("POST", "/api/v1/meta"), "405 GET,HEAD");
}

TEST_F(RouteTableTest, WrongMethodListsAllowed) {
  EXPECT_EQ(route_of("DELETE", "/api/v1/incidents/7"), "405 GET,HEAD,PATCH");
  EXPECT_EQ(route_of("PUT", "/api/v1/incidents"), "405 GET,HEAD,POST");
  EXPECT_EQ(route_of("GET", "/api/v1/incidents/7/transitions"), "405 POST");
  EXPECT_EQ(route_of("POST", "/healthz"), "405 GET,HEAD");
  EXPECT_EQ(route_of("BREW", "/metrics"), "405 GET,HEAD");
}

TEST_F(RouteTableTest, UnknownPathsAre404) {
  EXPECT_EQ(route_of("GET", "/"), "404");
  EXPECT_EQ(route_of("GET", "/api"), "404");
  EXPECT_EQ(route_of("GET", "/api/v1"), "404");
  EXPECT_EQ(route_of("GET", "/api/v2/incidents"), "404");
  EXPECT_EQ(route_of("GET", "/api/v1/incidents/7/history/extra"), "404");
  EXPECT_EQ(route_of("GET", "/api/v1/incidents/"), "404");
  EXPECT_EQ(route_of("GET", "/api/v1//7"), "404");
  EXPECT_EQ(route_of("GET", "/healthz/"), "404");
}

TEST_F(RouteTableTest, OnlyHealthMetricsAndLoginAreAnonymous) {
  std::set<std::string> anonymous;
  for (const auto& r : routes_) {
    EXPECT_TRUE(r.handler) << r.pattern;
    if (r.access == Access::kAnonymous) anonymous.insert(r.method + " " + r.pattern);
  }
  EXPECT_EQ(anonymous, (std::set<std::string>{"GET /healthz", "GET /metrics", "POST /api/v1/auth/login"}));
}

TEST_F(RouteTableTest, NoDuplicateMethodAndPattern) {
  std::set<std::string> seen;
  for (const auto& r : routes_) EXPECT_TRUE(seen.insert(r.method + " " + r.pattern).second) << r.pattern;
}

TEST_F(RouteTableTest, QuickRoutesAreThePointReads) {
  // Quick routes may run on an I/O thread (ServerOptions::quick_reads_inline): only GETs of
  // one thing, never a list, a report, a search or a download.
  std::set<std::string> quick;
  for (const auto& r : routes_)
    if (r.quick) quick.insert(r.method + " " + r.pattern);
  EXPECT_EQ(quick, (std::set<std::string>{"GET /healthz", "GET /api/v1/me", "GET /api/v1/users/{id}",
                                          "GET /api/v1/{type}/{id}", "GET /api/v1/attachments/{id}"}));
}

// --- Credentials and access checks ---

Request request(std::string method, HeaderList headers) {
  Request r;
  r.method = std::move(method);
  r.headers = std::move(headers);
  return r;
}

TEST(CredentialsTest, BearerWinsOverCookie) {
  Request req = request("GET", {{"authorization", "Bearer t1"}, {"cookie", "ordo_session=s1"}});
  auto c = find_credentials(req);  // the token points into req
  EXPECT_EQ(c.kind, Credentials::Kind::kBearer);
  EXPECT_EQ(c.token, "t1");
}

TEST(CredentialsTest, SessionCookie) {
  Request req = request("GET", {{"cookie", "theme=dark; ordo_session=s1"}});
  auto c = find_credentials(req);
  EXPECT_EQ(c.kind, Credentials::Kind::kSession);
  EXPECT_EQ(c.token, "s1");
}

TEST(CredentialsTest, NoneOrMalformed) {
  EXPECT_EQ(find_credentials(request("GET", {})).kind, Credentials::Kind::kNone);
  EXPECT_EQ(find_credentials(request("GET", {{"cookie", "theme=dark"}})).kind, Credentials::Kind::kNone);
  EXPECT_EQ(find_credentials(request("GET", {{"cookie", "ordo_session="}})).kind, Credentials::Kind::kNone);
  EXPECT_EQ(find_credentials(request("GET", {{"authorization", "Basic YTpi"}})).kind,
            Credentials::Kind::kMalformed);
}

Principal session_principal() {
  Principal p;
  p.via_session = true;
  p.csrf_token = "csrf-123";
  return p;
}

TEST(CheckAccessTest, SafeMethodsNeedNoCsrf) {
  EXPECT_TRUE(check_access(request("GET", {}), session_principal()).ok());
  EXPECT_TRUE(check_access(request("HEAD", {}), session_principal()).ok());
}

TEST(CheckAccessTest, CookieWritesNeedMatchingCsrfToken) {
  for (const char* m : {"POST", "PATCH", "PUT", "DELETE"}) {
    auto missing = check_access(request(m, {}), session_principal());
    ASSERT_FALSE(missing.ok()) << m;
    EXPECT_EQ(missing.error().kind, ErrorKind::kForbidden);
    EXPECT_FALSE(check_access(request(m, {{"x-csrf-token", "csrf-124"}}), session_principal()).ok()) << m;
    EXPECT_FALSE(check_access(request(m, {{"x-csrf-token", ""}}), session_principal()).ok()) << m;
    EXPECT_TRUE(check_access(request(m, {{"x-csrf-token", "csrf-123"}}), session_principal()).ok()) << m;
  }
}

TEST(CheckAccessTest, SessionWithoutCsrfTokenCannotWrite) {
  Principal p = session_principal();
  p.csrf_token.clear();
  EXPECT_FALSE(check_access(request("POST", {{"x-csrf-token", ""}}), p).ok());
}

TEST(CheckAccessTest, BearerWritesNeedNoCsrf) {
  Principal p;
  EXPECT_TRUE(check_access(request("POST", {}), p).ok());
}

TEST(CheckAccessTest, ReadOnlyTokenCannotWrite) {
  Principal p;
  p.read_only = true;
  EXPECT_TRUE(check_access(request("GET", {}), p).ok());
  auto r = check_access(request("PATCH", {}), p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kForbidden);
}

}  // namespace
}  // namespace ordo
