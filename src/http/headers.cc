#include "http/headers.h"

#include <openssl/crypto.h>

#include <charconv>
#include <random>

#include <fmt/format.h>

#include "http/message.h"

namespace ordo {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<std::int64_t> to_int64(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<std::optional<std::int64_t>> parse_if_match(std::optional<std::string_view> header) {
  if (!header) return std::optional<std::int64_t>{};
  std::string_view v = trim(*header);
  if (v == "*") return std::optional<std::int64_t>{};
  if (v.starts_with("W/")) {
    v.remove_prefix(2);
    if (v.size() < 2 || v.front() != '"' || v.back() != '"') return invalid("malformed If-Match header");
  }
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  auto n = to_int64(v);
  if (!n) return invalid("malformed If-Match header: expected a record version such as \"3\"");
  return std::optional<std::int64_t>(*n);
}

std::optional<std::int64_t> parse_id(std::string_view segment) { return to_int64(segment); }

std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    std::size_t semi = header.find(';');
    std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) != name) continue;  // cookie names are case-sensitive
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> parse_bearer(std::string_view authorization) {
  std::string_view v = trim(authorization);
  std::size_t sp = v.find(' ');
  if (sp == std::string_view::npos || !iequals(v.substr(0, sp), "bearer")) return std::nullopt;
  std::string_view token = trim(v.substr(sp + 1));
  if (token.empty() || token.find_first_of(" \t,") != std::string_view::npos) return std::nullopt;
  return token;
}

bool is_media_type(std::string_view content_type, std::string_view type) {
  return iequals(trim(content_type.substr(0, content_type.find(';'))), type);
}

bool is_json_media_type(std::string_view content_type) { return is_media_type(content_type, "application/json"); }

bool is_unsafe_method(std::string_view method) {
  return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string generate_request_id() {
  // Request ids only correlate log lines; they need to be unique, not secret.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

std::string session_cookie(std::string_view token, std::int64_t max_age_seconds, bool secure) {
  if (max_age_seconds < 0) max_age_seconds = 0;
  return fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}", kSessionCookie, token,
                     max_age_seconds, secure ? "; Secure" : "");
}

std::string expired_session_cookie(bool secure) { return session_cookie("", 0, secure); }

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ordo
