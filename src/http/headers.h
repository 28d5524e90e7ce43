// Header grammar helpers: the small, pure parsers and builders the router needs for
// If-Match, cookies, Authorization, Content-Type, X-Request-Id and Set-Cookie. Kept apart
// from the router so each rule is unit-tested on its wrong inputs (headers_test.cc).
// All functions are pure and thread-safe.
//
//   auto v = parse_if_match("W/\"3\"");          // Result: optional(3)
//   auto t = find_cookie("a=1; ordo_session=xyz", "ordo_session");  // "xyz"
//   auto c = session_cookie(token, 3600, /*secure=*/false);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace ordo {

inline constexpr std::string_view kSessionCookie = "ordo_session";

// If-Match -> expected version. Accepts `"N"`, `N` and `W/"N"` (surrounding whitespace
// ignored); absent header or `*` -> nullopt (no version check). Anything else, a negative
// number or one that overflows int64 -> kInvalid.
Result<std::optional<std::int64_t>> parse_if_match(std::optional<std::string_view> header);

// A record id from a path segment: ASCII digits only, no sign, fits in int64.
std::optional<std::int64_t> parse_id(std::string_view segment);

// The value of cookie `name` in a Cookie header ("a=1; b=2"); nullopt when absent.
// A value in double quotes is returned without them.
std::optional<std::string_view> find_cookie(std::string_view cookie_header, std::string_view name);

// The token of `Authorization: Bearer <token>` (scheme case-insensitive); nullopt when the
// scheme is not Bearer or the token is empty.
std::optional<std::string_view> parse_bearer(std::string_view authorization);

// True for application/json, ignoring case and parameters ("application/json; charset=utf-8").
bool is_json_media_type(std::string_view content_type);
// True when `content_type` is the media type `type`, ignoring case and parameters.
bool is_media_type(std::string_view content_type, std::string_view type);

// True for the methods that change state and so need CSRF protection and a writable token.
bool is_unsafe_method(std::string_view method);

// A client-supplied X-Request-Id is echoed only when it is 1..64 characters of
// [A-Za-z0-9._:-] (it ends up in logs and headers).
bool is_sane_request_id(std::string_view id);
// 32 random hex characters.
std::string generate_request_id();

// Set-Cookie values for the session cookie. max_age_seconds is clamped at 0.
std::string session_cookie(std::string_view token, std::int64_t max_age_seconds, bool secure);
std::string expired_session_cookie(bool secure);

// Constant-time comparison (for CSRF tokens); different lengths compare unequal.
bool constant_time_equals(std::string_view a, std::string_view b);

// The Content-Security-Policy of the web UI (index.html and its assets). The Vite bundle
// needs no inline script, no eval and no inline <style> element (the UI runs Mantine with
// the CSS variables from its static stylesheet, web/src/main.tsx), so everything comes from
// 'self'. Styles that React sets through the CSSOM (element.style) are not inline styles
// for CSP and need no 'unsafe-inline'. The e2e run (tests/e2e) fails on any CSP violation
// the browser reports, so a dependency that starts injecting <style> is caught.
inline constexpr std::string_view kWebUiCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The security headers every web UI response carries besides its CSP: no MIME sniffing, no
// framing (also for browsers without frame-ancestors), no referrer to other sites, an
// isolated browsing context, and no powerful features the UI never uses.
struct HeaderField {
  std::string_view name, value;
};
inline constexpr HeaderField kWebUiSecurityHeaders[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
};

}  // namespace ordo
