// Authentication: argon2id passwords, hashed session and API tokens, security events.
#include <sodium.h>

#include <boost/json.hpp>

#include "app/app_impl.h"

namespace ordo {

namespace json = boost::json;

namespace {

struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) std::abort();  // no secure randomness: nothing is safe
  }
};
void ensure_sodium() { static SodiumInit once; }


}  // namespace

std::vector<std::string> split_roles(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

namespace {

// Row: id, username, display_name, roles, organisation, disabled
Principal principal_from(const SqlRow& r, std::size_t at) {
  Principal p;
  p.user_id = sql_int(r[at]);
  p.username = sql_text(r[at + 1]);
  p.roles = split_roles(sql_text(r[at + 3]));
  if (!std::holds_alternative<std::monostate>(r[at + 4])) p.organisation = sql_int(r[at + 4]);
  return p;
}

json::object user_json(const SqlRow& r, std::size_t at) {
  json::array roles;
  for (auto& role : split_roles(sql_text(r[at + 3]))) roles.push_back(json::string(role));
  json::object u{{"id", sql_int(r[at])}, {"username", sql_text(r[at + 1])}, {"display_name", sql_text(r[at + 2])},
                 {"roles", std::move(roles)}};
  u["organisation"] = std::holds_alternative<std::monostate>(r[at + 4]) ? json::value(nullptr) : json::value(sql_int(r[at + 4]));
  return u;
}

constexpr const char* kUserCols = "u.id, u.username, u.display_name, u.roles, u.organisation, u.disabled";

Error bad_login() { return Error{ErrorKind::kUnauthenticated, "invalid username or password", {}, {}}; }
Error no_auth(const char* why) { return Error{ErrorKind::kUnauthenticated, why, {}, {}}; }

}  // namespace

std::string random_token_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), buf.data(), buf.size());
  hex.pop_back();
  return hex;
}

Result<std::string> hash_password(std::string_view password, bool fast) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = fast ? crypto_pwhash_argon2id_OPSLIMIT_MIN : crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
  std::size_t mem = fast ? crypto_pwhash_argon2id_MEMLIMIT_MIN : crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_argon2id_str(out, password.data(), password.size(), ops, mem) != 0)
    return internal_error("password hashing ran out of memory");
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  ensure_sodium();
  return crypto_pwhash_argon2id_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Result<std::int64_t> insert_user(SqlConn& c, const std::string& username, const std::string& display_name,
                                 const std::string& password_hash, const std::string& roles, Instant now) {
  auto rows = c.query("INSERT INTO users (username, display_name, password_hash, roles, disabled, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id",
                      {username, display_name, password_hash, roles, now, now});
  if (!rows) {
    if (rows.error().kind == ErrorKind::kConflict) return field_error("username", "is taken");
    return rows.take_error();
  }
  return sql_int(rows->at(0).at(0));
}

Result<void> check_password_rules(std::string_view password, const char* field) {
  if (password.size() < 12) return field_error(field, "must be at least 12 characters");
  if (password.size() > 1024) return field_error(field, "must be at most 1024 bytes");
  return {};
}

Result<Session> App::login(std::string_view username, std::string_view password, std::string_view source,
                           std::string_view previous_session) {
  if (username.empty() || username.size() > 200 || password.size() > 1024) return bad_login();
  Store& store = *impl_->store;
  Instant now = impl_->clock->now();
  if (auto wait = impl_->throttle.blocked(username, source, now)) {
    Error e{ErrorKind::kTooManyRequests, "too many failed logins: try again later", {}, {}};
    e.retry_after = *wait;
    return e;
  }
  ORDO_ASSIGN(auto rows, store.read([&](SqlConn& c) {
    return c.query(std::string("SELECT ") + kUserCols + ", u.password_hash, u.auth FROM users u WHERE u.username = ?",
                   {std::string(username)});
  }));
  // Unknown users cost the same argon2id work as wrong passwords: no user enumeration by timing.
  static const std::string kDummy = *hash_password("ordo-dummy-password", impl_->options.fast_password_hashing);
  bool found = !rows.empty();
  bool pass_ok = false;
  if (found && sql_text(rows[0][7]) == "ldap") {
    // Directory users: the directory decides; it being down is not a wrong password.
    if (!impl_->options.ldap.enabled())
      return Error{ErrorKind::kUnavailable, "this user logs in through LDAP, which is not configured", {}, {}};
    auto bound = ldap_bind(impl_->options.ldap, username, password);
    if (!bound && bound.error().kind == ErrorKind::kUnavailable) return bound.take_error();
    pass_ok = bound.ok();
  } else {
    pass_ok = verify_password(found ? sql_text(rows[0][6]) : kDummy, password);
  }
  bool enabled = found && sql_int(rows[0][5]) == 0;
  if (!found || !pass_ok || !enabled) {
    impl_->throttle.failure(username, source, now);
    std::int64_t uid = found ? sql_int(rows[0][0]) : 0;
    json::object data{{"username", std::string(username)}, {"source", std::string(source)},
                      {"reason", !found ? "unknown user" : !enabled ? "disabled" : "wrong password"}};
    (void)store.write([&](SqlConn& c) { return append_event(c, {now, uid, std::string(username), "security", uid, "login_failed", data}); });
    return bad_login();
  }
  impl_->throttle.success(username);
  Session s;
  s.token = random_token_hex(32);
  s.csrf_token = random_token_hex(32);
  s.expires_at = now + impl_->options.session_absolute_seconds;
  s.user = user_json(rows[0], 0);
  Principal p = principal_from(rows[0], 0);
  ORDO_TRY(store.write([&](SqlConn& c) -> Result<bool> {
    if (!previous_session.empty())  // rotation: the session the client came with ends here
      ORDO_TRY(c.exec("DELETE FROM sessions WHERE token_hash = ?", {sha256_hex(previous_session)}));
    ORDO_TRY(c.exec("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen, expires_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    {sha256_hex(s.token), p.user_id, s.csrf_token, now, now, s.expires_at}));
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, "security", p.user_id, "login",
                              json::object{{"source", std::string(source)}}}));
    return true;
  }));
  return s;
}

Result<void> App::logout_everywhere(const Principal& p) {
  auto r = impl_->store->write([&](SqlConn& c) -> Result<bool> {
    ORDO_ASSIGN(auto n, c.exec("DELETE FROM sessions WHERE user_id = ?", {p.user_id}));
    ORDO_TRY(append_event(c, {impl_->clock->now(), p.user_id, p.username, "security", p.user_id, "logout_everywhere",
                              json::object{{"sessions", n}}}));
    return true;
  });
  if (!r) return r.take_error();
  return {};
}

Result<json::object> App::list_tokens(const Principal& p) {
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query("SELECT id, name, read_only, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = ? "
                   "ORDER BY id",
                   {p.user_id});
  }));
  json::array items;
  auto ts = [](const SqlValue& v) {
    return std::holds_alternative<std::monostate>(v) ? json::value(nullptr) : json::value(format_rfc3339(sql_int(v)));
  };
  for (const auto& r : rows)
    items.push_back(json::object{{"id", sql_int(r[0])}, {"name", sql_text(r[1])}, {"read_only", sql_int(r[2]) != 0},
                                 {"created_at", ts(r[3])}, {"expires_at", ts(r[4])}, {"revoked_at", ts(r[5])}});
  return json::object{{"items", std::move(items)}};
}

Result<void> App::revoke_token(const Principal& p, std::int64_t id) {
  Instant now = impl_->clock->now();
  auto r = impl_->store->write([&](SqlConn& c) -> Result<bool> {
    ORDO_ASSIGN(auto rows, c.query("SELECT user_id, revoked_at FROM api_tokens WHERE id = ?", {id}));
    bool mine = !rows.empty() && sql_int(rows[0][0]) == p.user_id;
    if (rows.empty() || (!mine && !p.has_role("admin"))) return not_found("no token with id " + std::to_string(id));
    if (!std::holds_alternative<std::monostate>(rows[0][1])) return true;  // already revoked
    ORDO_TRY(c.exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", {now, id}));
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, "security", id, "token_revoked",
                              json::object{{"owner", sql_int(rows[0][0])}}}));
    return true;
  });
  if (!r) return r.take_error();
  impl_->tokens.invalidate();  // after the commit: no request re-reads the token as valid
  return {};
}

Result<void> App::logout(std::string_view token) {
  std::string h = sha256_hex(token);
  auto r = impl_->store->write([&](SqlConn& c) -> Result<bool> {
    ORDO_ASSIGN(auto rows, c.query("DELETE FROM sessions WHERE token_hash = ? RETURNING user_id", {h}));
    if (!rows.empty()) {
      std::int64_t uid = sql_int(rows[0][0]);
      ORDO_TRY(append_event(c, {impl_->clock->now(), uid, "", "security", uid, "logout", {}}));
    }
    return true;
  });
  if (!r) return r.take_error();
  return {};
}

Result<Principal> App::authenticate_session(std::string_view token) {
  if (token.size() != 64) return no_auth("invalid or expired session");
  std::string h = sha256_hex(token);
  Instant now = impl_->clock->now();
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query(std::string("SELECT ") + kUserCols +
                       ", s.csrf_token, s.last_seen, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
                       "WHERE s.token_hash = ?",
                   {h});
  }));
  if (rows.empty()) return no_auth("invalid or expired session");
  const SqlRow& r = rows[0];
  Instant last_seen = sql_int(r[7]), expires = sql_int(r[8]);
  if (sql_int(r[5]) != 0 || now >= expires || now - last_seen >= impl_->options.session_idle_seconds)
    return no_auth("invalid or expired session");
  Principal p = principal_from(r, 0);
  p.via_session = true;
  p.csrf_token = sql_text(r[6]);
  if (now - last_seen >= 60) {  // keep idle expiry honest without a write per request
    (void)impl_->store->write([&](SqlConn& c) {
      return c.exec("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", {now, h});
    });
  }
  return p;
}

Result<Principal> App::authenticate_bearer(std::string_view token) {
  if (token.size() < 10 || token.size() > 200) return no_auth("invalid API token");
  std::string h = sha256_hex(token);
  Instant now = impl_->clock->now();
  if (auto cached = impl_->tokens.find(h, now)) return std::move(*cached);
  std::uint64_t generation = impl_->tokens.generation();
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query(std::string("SELECT ") + kUserCols +
                       ", t.read_only, t.expires_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
                       "WHERE t.token_hash = ?",
                   {h});
  }));
  if (rows.empty()) return no_auth("invalid API token");
  const SqlRow& r = rows[0];
  std::optional<Instant> expires_at;
  if (!std::holds_alternative<std::monostate>(r[7])) expires_at = sql_int(r[7]);
  bool expired = expires_at && now >= *expires_at;
  bool revoked = !std::holds_alternative<std::monostate>(r[8]);
  if (sql_int(r[5]) != 0 || expired || revoked) return no_auth("invalid API token");
  Principal p = principal_from(r, 0);
  p.read_only = sql_int(r[6]) != 0;
  impl_->tokens.put(h, p, expires_at, now, generation);
  return p;
}

Result<json::object> App::create_token(const Principal& p, const json::object& body) {
  if (p.user_id == 0) return Error{ErrorKind::kForbidden, "the system principal has no tokens", {}, {}};
  std::vector<FieldError> errors;
  std::string name;
  bool read_only = false;
  std::optional<Instant> expires;
  for (const auto& [k, v] : body) {
    if (k == "name") {
      if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 200)
        errors.push_back({"name", "must be a string of 1 to 200 characters"});
      else name = v.as_string();
    } else if (k == "read_only") {
      if (!v.is_bool()) errors.push_back({"read_only", "must be true or false"});
      else read_only = v.as_bool();
    } else if (k == "expires_at") {
      auto t = v.is_string() ? parse_rfc3339(v.as_string()) : std::nullopt;
      if (!t) errors.push_back({"expires_at", "must be an RFC 3339 timestamp"});
      else expires = *t;
    } else {
      errors.push_back({std::string(k), "unknown field"});
    }
  }
  if (name.empty() && errors.empty()) errors.push_back({"name", "is required"});
  Instant now = impl_->clock->now();
  if (expires && *expires <= now) errors.push_back({"expires_at", "must be in the future"});
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  if (p.read_only && !read_only) return Error{ErrorKind::kForbidden, "a read-only token cannot create a writing token", {}, {}};
  std::string token = "ordo_" + random_token_hex(32);
  return impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto rows, c.query("INSERT INTO api_tokens (user_id, name, token_hash, read_only, created_at, expires_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                   {p.user_id, name, sha256_hex(token), std::int64_t{read_only ? 1 : 0}, now,
                                    expires ? SqlValue{*expires} : SqlValue{}}));
    std::int64_t id = sql_int(rows.at(0).at(0));
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, "security", id, "token_created",
                              json::object{{"name", name}, {"read_only", read_only}}}));
    json::object out{{"id", id}, {"name", name}, {"token", token}, {"read_only", read_only},
                     {"created_at", format_rfc3339(now)}};
    out["expires_at"] = expires ? json::value(format_rfc3339(*expires)) : json::value(nullptr);
    return out;
  });
}

}  // namespace ordo
