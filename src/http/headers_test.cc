#include "http/headers.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace ordo {
namespace {

std::optional<std::int64_t> version_of(std::string_view h) {
  auto r = parse_if_match(h);
  EXPECT_TRUE(r.ok()) << h;
  return r.ok() ? *r : std::nullopt;
}

TEST(IfMatchTest, AcceptsQuotedBareAndWeakForms) {
  EXPECT_EQ(version_of("\"3\""), 3);
  EXPECT_EQ(version_of("3"), 3);
  EXPECT_EQ(version_of("W/\"3\""), 3);
  EXPECT_EQ(version_of("  \"42\"  "), 42);
  EXPECT_EQ(version_of("9223372036854775807"), INT64_MAX);
}

TEST(IfMatchTest, AbsentOrStarMeansNoCheck) {
  auto absent = parse_if_match(std::nullopt);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  EXPECT_FALSE(version_of("*").has_value());
}

TEST(IfMatchTest, RejectsMalformedValues) {
  for (std::string_view bad : {"", "\"\"", "abc", "\"3", "3\"", "W/3", "w/\"3\"", "-1", "+1", "\"-1\"", "1.5",
                               "\"1\", \"2\"", "9223372036854775808", "99999999999999999999", "0x10", " ", "W/\"\"",
                               "\"3\"\"", "1 2"}) {
    auto r = parse_if_match(bad);
    EXPECT_FALSE(r.ok()) << "accepted: [" << bad << "]";
    if (!r.ok()) {
      EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
    }
  }
}

TEST(ParseIdTest, DigitsOnlyAndNoOverflow) {
  EXPECT_EQ(parse_id("42"), 42);
  EXPECT_EQ(parse_id("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parse_id("9223372036854775808"));
  EXPECT_FALSE(parse_id(""));
  EXPECT_FALSE(parse_id("-1"));
  EXPECT_FALSE(parse_id("+1"));
  EXPECT_FALSE(parse_id("1a"));
  EXPECT_FALSE(parse_id(" 1"));
  EXPECT_FALSE(parse_id("INC-000001"));
}

TEST(CookieTest, FindsNamedCookie) {
  EXPECT_EQ(find_cookie("ordo_session=abc", "ordo_session"), "abc");
  EXPECT_EQ(find_cookie("a=1; ordo_session=abc; b=2", "ordo_session"), "abc");
  EXPECT_EQ(find_cookie("a=1;ordo_session=abc", "ordo_session"), "abc");
  EXPECT_EQ(find_cookie("ordo_session=\"abc\"", "ordo_session"), "abc");
  EXPECT_EQ(find_cookie("ordo_session=", "ordo_session"), "");
}

TEST(CookieTest, IgnoresSimilarNamesAndJunk) {
  EXPECT_FALSE(find_cookie("", "ordo_session"));
  EXPECT_FALSE(find_cookie("xordo_session=abc", "ordo_session"));
  EXPECT_FALSE(find_cookie("ordo_session_old=abc", "ordo_session"));
  EXPECT_FALSE(find_cookie("ORDO_SESSION=abc", "ordo_session"));
  EXPECT_FALSE(find_cookie("ordo_session; other", "ordo_session"));
  EXPECT_EQ(find_cookie(";;garbage; ordo_session=v", "ordo_session"), "v");
}

TEST(CookieTest, FirstOccurrenceWins) { EXPECT_EQ(find_cookie("ordo_session=a; ordo_session=b", "ordo_session"), "a"); }

TEST(BearerTest, ParsesScheme) {
  EXPECT_EQ(parse_bearer("Bearer abc"), "abc");
  EXPECT_EQ(parse_bearer("bearer abc"), "abc");
  EXPECT_EQ(parse_bearer("BEARER   abc  "), "abc");
  EXPECT_FALSE(parse_bearer("Basic YWRtaW46c2VjcmV0"));
  EXPECT_FALSE(parse_bearer("Bearer"));
  EXPECT_FALSE(parse_bearer("Bearer "));
  EXPECT_FALSE(parse_bearer("Bearer a b"));
  EXPECT_FALSE(parse_bearer("abc"));
}

TEST(MediaTypeTest, JsonIgnoringCaseAndParameters) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("Application/JSON"));
  EXPECT_TRUE(is_json_media_type("application/json; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type("application/json ;charset=UTF-8"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type("application/jsonx"));
  EXPECT_FALSE(is_json_media_type("application/x-www-form-urlencoded"));
  EXPECT_FALSE(is_json_media_type("multipart/form-data; boundary=x"));
  EXPECT_FALSE(is_json_media_type(""));
}

TEST(ContentTypeTest, OtherMediaTypesIgnoreCaseAndParameters) {
  EXPECT_TRUE(is_media_type("application/x-ndjson", "application/x-ndjson"));
  EXPECT_TRUE(is_media_type(" Application/X-NDJSON ; charset=utf-8", "application/x-ndjson"));
  EXPECT_FALSE(is_media_type("application/json", "application/x-ndjson"));
  EXPECT_FALSE(is_media_type("application/x-ndjsonl", "application/x-ndjson"));
  EXPECT_FALSE(is_media_type("", "application/x-ndjson"));
}

TEST(MethodTest, UnsafeMethods) {
  for (auto m : {"POST", "PATCH", "PUT", "DELETE"}) EXPECT_TRUE(is_unsafe_method(m)) << m;
  for (auto m : {"GET", "HEAD", "OPTIONS"}) EXPECT_FALSE(is_unsafe_method(m)) << m;
}

TEST(RequestIdTest, SaneIdsAreEchoedOthersReplaced) {
  EXPECT_TRUE(is_sane_request_id("abc-123_x.y:z"));
  EXPECT_FALSE(is_sane_request_id(""));
  EXPECT_FALSE(is_sane_request_id(std::string(65, 'a')));
  EXPECT_FALSE(is_sane_request_id("a b"));
  EXPECT_FALSE(is_sane_request_id("a\r\nSet-Cookie: x"));
  EXPECT_FALSE(is_sane_request_id("\"quoted\""));
  auto a = generate_request_id(), b = generate_request_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_TRUE(is_sane_request_id(a));
  EXPECT_NE(a, b);
}

TEST(SetCookieTest, SessionCookieAttributes) {
  EXPECT_EQ(session_cookie("tok", 3600, false), "ordo_session=tok; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600");
  EXPECT_EQ(session_cookie("tok", 60, true), "ordo_session=tok; HttpOnly; SameSite=Strict; Path=/; Max-Age=60; Secure");
  EXPECT_EQ(session_cookie("tok", -5, false), "ordo_session=tok; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  EXPECT_EQ(expired_session_cookie(false), "ordo_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_FALSE(constant_time_equals("", "a"));
}

// The web UI policy, directive by directive: a change that loosens it must change this test.
std::map<std::string, std::string> csp_directives(std::string_view policy) {
  std::map<std::string, std::string> out;
  while (!policy.empty()) {
    std::size_t semi = policy.find(';');
    std::string_view d = policy.substr(0, semi);
    policy = semi == std::string_view::npos ? std::string_view{} : policy.substr(semi + 1);
    while (!d.empty() && d.front() == ' ') d.remove_prefix(1);
    if (d.empty()) continue;
    std::size_t sp = d.find(' ');
    std::string name(d.substr(0, sp));
    EXPECT_FALSE(out.contains(name)) << "duplicate directive " << name;
    out[name] = sp == std::string_view::npos ? "" : std::string(d.substr(sp + 1));
  }
  return out;
}

TEST(WebUiCspTest, OnlySelfNoInlineNoEvalNoFraming) {
  auto d = csp_directives(kWebUiCsp);
  EXPECT_EQ(d["default-src"], "'none'");
  EXPECT_EQ(d["script-src"], "'self'");
  EXPECT_EQ(d["style-src"], "'self'");
  EXPECT_EQ(d["connect-src"], "'self'");
  EXPECT_EQ(d["img-src"], "'self'");
  EXPECT_EQ(d["frame-ancestors"], "'none'");
  EXPECT_EQ(d["base-uri"], "'none'");
  EXPECT_EQ(d["form-action"], "'self'");
  EXPECT_EQ(std::string_view(kWebUiCsp).find("unsafe"), std::string_view::npos) << "no 'unsafe-inline' or 'unsafe-eval'";
  EXPECT_EQ(std::string_view(kWebUiCsp).find('*'), std::string_view::npos) << "no wildcard sources";
}

TEST(WebUiCspTest, SecurityHeadersAreComplete) {
  std::map<std::string_view, std::string_view> h;
  for (const auto& f : kWebUiSecurityHeaders) EXPECT_TRUE(h.emplace(f.name, f.value).second) << "duplicate " << f.name;
  EXPECT_EQ(h["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(h["X-Frame-Options"], "DENY");
  EXPECT_EQ(h["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(h["Cross-Origin-Opener-Policy"], "same-origin");
  EXPECT_TRUE(h.contains("Permissions-Policy"));
}

}  // namespace
}  // namespace ordo
