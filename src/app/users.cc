// User management: administrators create, change, disable users and reset passwords;
// every change of roles, status or password is a security event in the hash chain.
#include <algorithm>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "domain/list_query.h"
#include "domain/access.h"

namespace ordo {

namespace json = boost::json;

namespace {

constexpr const char* kCols =
    "id, username, display_name, email, roles, organisation, disabled, created_at, updated_at, auth, manager";


json::object user_from_row(const SqlRow& r) {
  json::array roles;
  for (const auto& role : split_roles(sql_text(r[4]))) roles.push_back(json::string(role));
  json::object u{{"id", sql_int(r[0])},
                 {"username", sql_text(r[1])},
                 {"display_name", sql_text(r[2])},
                 {"roles", std::move(roles)},
                 {"disabled", sql_int(r[6]) != 0},
                 {"created_at", format_rfc3339(sql_int(r[7]))},
                 {"updated_at", format_rfc3339(sql_int(r[8]))},
                 {"auth", sql_text(r[9])}};
  u["email"] = std::holds_alternative<std::monostate>(r[3]) ? json::value(nullptr) : json::value(sql_text(r[3]));
  u["organisation"] = std::holds_alternative<std::monostate>(r[5]) ? json::value(nullptr) : json::value(sql_int(r[5]));
  u["manager"] = sql_null(r[10]) ? json::value(nullptr) : json::value(sql_int(r[10]));
  return u;
}

Error forbidden(std::string m) { return Error{ErrorKind::kForbidden, std::move(m), {}, {}}; }

// Parses and checks the writable user fields of a body; fills `sets` with column → value.
Result<void> parse_user_fields(const json::object& body, bool creating, std::vector<std::pair<std::string, SqlValue>>& sets,
                               std::string& roles_text, std::optional<bool>& disabled, std::string& password,
                               std::vector<FieldError>& errors) {
  for (const auto& [key, v] : body) {
    std::string_view k = key;
    if (k == "username" && creating) {
      if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 100)
        errors.push_back({"username", "must be 1 to 100 characters"});
      else if (std::any_of(v.as_string().begin(), v.as_string().end(), [](char ch) { return std::isspace(static_cast<unsigned char>(ch)) || ch == ','; }))
        errors.push_back({"username", "must not contain spaces or commas"});
      else sets.emplace_back("username", std::string(v.as_string()));
    } else if (k == "display_name") {
      if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 200)
        errors.push_back({"display_name", "must be 1 to 200 characters"});
      else sets.emplace_back("display_name", std::string(v.as_string()));
    } else if (k == "email") {
      if (v.is_null()) sets.emplace_back("email", SqlValue{});
      else if (!v.is_string() || v.as_string().size() > 320 || v.as_string().find('@') == std::string::npos)
        errors.push_back({"email", "must be an e-mail address"});
      else sets.emplace_back("email", std::string(v.as_string()));
    } else if (k == "roles") {
      if (!v.is_array() || v.as_array().empty()) {
        errors.push_back({"roles", "must be a non-empty array of roles"});
        continue;
      }
      std::vector<std::string> roles;
      for (const auto& r : v.as_array()) {
        if (!r.is_string() || !is_known_role(r.as_string())) {
          errors.push_back({"roles", "unknown role: use admin, process_manager[:type], agent, auditor or requester"});
          roles.clear();
          break;
        }
        std::string role(r.as_string());
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
      }
      if (!roles.empty()) {
        std::sort(roles.begin(), roles.end());
        roles_text.clear();
        for (const auto& r : roles) roles_text += (roles_text.empty() ? "" : ",") + r;
        sets.emplace_back("roles", roles_text);
      }
    } else if (k == "organisation") {
      if (v.is_null()) sets.emplace_back("organisation", SqlValue{});
      else if (!v.is_int64() || v.as_int64() <= 0) errors.push_back({"organisation", "must be an organisation id"});
      else sets.emplace_back("organisation", v.as_int64());
    } else if (k == "manager") {  // who approves their service requests (8.6.2)
      if (v.is_null()) sets.emplace_back("manager", SqlValue{});
      else if (!v.is_int64() || v.as_int64() <= 0) errors.push_back({"manager", "must be a user id"});
      else sets.emplace_back("manager", v.as_int64());
    } else if (k == "disabled" && !creating) {
      if (!v.is_bool()) errors.push_back({"disabled", "must be true or false"});
      else disabled = v.as_bool();
    } else if (k == "password" && creating) {
      if (!v.is_string()) errors.push_back({"password", "must be a string"});
      else password = std::string(v.as_string());
    } else if (k == "auth") {
      if (!v.is_string() || (v.as_string() != "local" && v.as_string() != "ldap"))
        errors.push_back({"auth", "must be local or ldap"});
      else sets.emplace_back("auth", std::string(v.as_string()));
    } else {
      errors.push_back({std::string(k), creating || k != "password" ? "unknown field"
                                                                     : "change passwords with POST /api/v1/users/{id}/password"});
    }
  }
  return {};
}

// The organisation and the manager a body names must exist; nobody is their own manager
// (`self`: the user changed, 0 when creating).
Result<void> check_refs(SqlConn& c, const std::vector<std::pair<std::string, SqlValue>>& sets, std::int64_t self) {
  for (const auto& [col, v] : sets) {
    if (!std::holds_alternative<std::int64_t>(v)) continue;
    const std::int64_t id = std::get<std::int64_t>(v);
    if (col == "organisation") {
      ORDO_ASSIGN(auto rows, c.query("SELECT 1 FROM organisations WHERE id = ?", {v}));
      if (rows.empty()) return field_error("organisation", "no organisation with id " + std::to_string(id));
    } else if (col == "manager") {
      if (id == self) return field_error("manager", "a user cannot be their own manager");
      ORDO_ASSIGN(auto rows, c.query("SELECT 1 FROM users WHERE id = ?", {v}));
      if (rows.empty()) return field_error("manager", "no user with id " + std::to_string(id));
    }
  }
  return {};
}

}  // namespace

Result<json::object> App::create_user(const Principal& p, const json::object& body) {
  ORDO_TRY(require_admin(p));
  std::vector<std::pair<std::string, SqlValue>> sets;
  std::string roles_text, password;
  std::optional<bool> disabled;
  std::vector<FieldError> errors;
  ORDO_TRY(parse_user_fields(body, true, sets, roles_text, disabled, password, errors));
  auto has = [&](const char* col) {
    return std::any_of(sets.begin(), sets.end(), [&](const auto& s) { return s.first == col; });
  };
  if (!has("username") && !body.contains("username")) errors.push_back({"username", "is required"});
  if (!has("roles") && !body.contains("roles")) errors.push_back({"roles", "is required"});
  bool ldap = body.contains("auth") && body.at("auth") == "ldap";
  if (!ldap) {
    if (auto r = check_password_rules(password); !r && !body.contains("password")) errors.push_back({"password", "is required"});
    else if (!r) errors.push_back(r.error().fields.at(0));
  }
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  if (!has("display_name")) {  // defaults to the user name (no push_back while iterating)
    auto it = std::find_if(sets.begin(), sets.end(), [](const auto& s) { return s.first == "username"; });
    if (it != sets.end()) {
      SqlValue name = it->second;
      sets.emplace_back("display_name", std::move(name));
    }
  }
  // LDAP users have no local password: a random one nobody knows.
  ORDO_ASSIGN(std::string hash, hash_password(ldap ? random_token_hex(32) : password, impl_->options.fast_password_hashing));
  Instant now = impl_->clock->now();
  return impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(check_refs(c, sets, 0));
    std::string cols = "password_hash, disabled, created_at, updated_at", marks = "?, 0, ?, ?";
    std::vector<SqlValue> params{hash, now, now};
    for (const auto& [col, v] : sets) {
      cols += ", " + col;
      marks += ", ?";
      params.push_back(v);
    }
    auto rows = c.query("INSERT INTO users (" + cols + ") VALUES (" + marks + ") RETURNING " + kCols, params);
    if (!rows) {
      if (rows.error().kind == ErrorKind::kConflict) return field_error("username", "is taken");
      return rows.take_error();
    }
    json::object u = user_from_row(rows->at(0));
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, "user", u.at("id").as_int64(), "user_created",
                              json::object{{"username", u.at("username")}, {"roles", u.at("roles")},
                                           {"organisation", u.at("organisation")}, {"manager", u.at("manager")}}}));
    return u;
  });
}

Result<json::object> App::list_users(const Principal& p, const QueryParams& params) {
  if (!is_staff(p)) return forbidden("your role may not list users");
  std::string where;
  std::vector<SqlValue> args;
  std::int64_t limit = 100, after = 0;
  std::vector<FieldError> errors;
  for (const auto& [k, v] : params) {
    auto as_int = [&](std::int64_t& out) {
      if (auto n = parse_int64(v)) out = *n;
      else errors.push_back({k, "must be an integer"});
    };
    if (k == "limit") {
      as_int(limit);
      if (limit < 1 || limit > 500) errors.push_back({"limit", "must be from 1 to 500"});
    } else if (k == "cursor") {
      as_int(after);
    } else if (k == "username") {
      where += " AND username = ?";
      args.push_back(v);
    } else if (k == "organisation") {
      std::int64_t org = 0;
      as_int(org);
      where += " AND organisation = ?";
      args.push_back(org);
    } else if (k == "disabled") {
      if (v != "true" && v != "false") errors.push_back({"disabled", "must be true or false"});
      where += " AND disabled = ?";
      args.push_back(std::int64_t{v == "true" ? 1 : 0});
    } else {
      errors.push_back({k, "unknown parameter"});
    }
  }
  if (!errors.empty()) return invalid("invalid list query", std::move(errors));
  args.insert(args.begin(), after);
  args.push_back(limit + 1);
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query(std::string("SELECT ") + kCols + " FROM users WHERE id > ?" + where + " ORDER BY id LIMIT ?", args);
  }));
  bool more = rows.size() > static_cast<std::size_t>(limit);
  if (more) rows.resize(static_cast<std::size_t>(limit));
  json::array items;
  for (const auto& r : rows) items.push_back(user_from_row(r));
  json::value next = more ? json::value(std::to_string(sql_int(rows.back()[0]))) : json::value(nullptr);
  return json::object{{"items", std::move(items)}, {"next_cursor", std::move(next)}};
}

Result<json::object> App::get_user(const Principal& p, std::int64_t id) {
  if (id != p.user_id && !is_staff(p)) return not_found("no user with id " + std::to_string(id));
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query(std::string("SELECT ") + kCols + " FROM users WHERE id = ?", {id});
  }));
  if (rows.empty()) return not_found("no user with id " + std::to_string(id));
  return user_from_row(rows[0]);
}

Result<json::object> App::me(const Principal& p) { return get_user(p, p.user_id); }

Result<std::int64_t> App::user_id_by_name(std::string_view username) {
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query("SELECT id FROM users WHERE username = ?", {std::string(username)});
  }));
  if (rows.empty()) return not_found("no user named '" + std::string(username) + "'");
  return sql_int(rows[0][0]);
}

Result<json::object> App::patch_user(const Principal& p, std::int64_t id, const json::object& body) {
  bool self = id == p.user_id;
  bool admin = p.has_role("admin");
  if (!admin && !self) {
    if (!is_staff(p)) return not_found("no user with id " + std::to_string(id));
    return forbidden("only administrators change other users");
  }
  std::vector<std::pair<std::string, SqlValue>> sets;
  std::string roles_text, password;
  std::optional<bool> disabled;
  std::vector<FieldError> errors;
  ORDO_TRY(parse_user_fields(body, false, sets, roles_text, disabled, password, errors));
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  if (!admin)
    for (const auto& [col, v] : sets)
      if (col != "display_name" && col != "email") return forbidden("only administrators change " + col);
  if (!admin && disabled) return forbidden("only administrators disable users");
  if (self && disabled && *disabled) return field_error("disabled", "you cannot disable yourself");
  if (self && !roles_text.empty() && roles_text.find("admin") == std::string::npos && admin)
    return field_error("roles", "you cannot take the admin role from yourself");
  Instant now = impl_->clock->now();
  auto updated = impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto before, c.query(std::string("SELECT ") + kCols + " FROM users WHERE id = ?", {id}));
    if (before.empty()) return not_found("no user with id " + std::to_string(id));
    ORDO_TRY(check_refs(c, sets, id));
    std::string set = "updated_at = ?";
    std::vector<SqlValue> params{now};
    for (const auto& [col, v] : sets) {
      set += ", " + col + " = ?";
      params.push_back(v);
    }
    if (disabled) {
      set += ", disabled = ?";
      params.push_back(std::int64_t{*disabled ? 1 : 0});
    }
    params.push_back(id);
    ORDO_ASSIGN(auto rows, c.query("UPDATE users SET " + set + " WHERE id = ? RETURNING " + kCols, params));
    json::object old_u = user_from_row(before[0]);
    json::object u = user_from_row(rows.at(0));
    json::object changes;
    for (const char* f : {"display_name", "email", "roles", "organisation", "manager", "disabled", "auth"})
      if (old_u.at(f) != u.at(f)) changes[f] = json::array{old_u.at(f), u.at(f)};
    if (changes.empty()) return u;
    if (disabled && *disabled) {  // a disabled user's sessions and tokens die now
      ORDO_TRY(c.exec("DELETE FROM sessions WHERE user_id = ?", {id}));
      ORDO_TRY(c.exec("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {now, id}));
    }
    const char* action = changes.contains("disabled") ? (u.at("disabled").as_bool() ? "user_disabled" : "user_enabled")
                         : changes.contains("roles")  ? "role_changed"
                                                      : "user_updated";
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, "user", id, action, json::object{{"changes", changes}}}));
    return u;
  });
  // Roles, organisation and disabled travel with a cached token (app/token_cache.h): after
  // the commit, so that no request re-caches the old user.
  if (updated) impl_->tokens.invalidate();
  return updated;
}

Result<void> App::set_password(const Principal& p, std::int64_t id, const json::object& body) {
  bool admin = p.has_role("admin");
  if (!admin && id != p.user_id) return is_staff(p) ? Error(forbidden("only administrators reset passwords"))
                                                 : not_found("no user with id " + std::to_string(id));
  const json::value* pw = body.if_contains("password");
  if (!pw || !pw->is_string()) return field_error("password", "is required");
  ORDO_TRY(check_password_rules(pw->as_string()));
  for (const auto& [k, v] : body)
    if (k != "password" && k != "current_password") return field_error(std::string(k), "unknown field");
  if (!admin || (id == p.user_id && body.contains("current_password"))) {
    const json::value* cur = body.if_contains("current_password");
    if (!cur || !cur->is_string()) return field_error("current_password", "is required");
    ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
      return c.query("SELECT password_hash FROM users WHERE id = ?", {id});
    }));
    if (rows.empty() || !verify_password(sql_text(rows[0][0]), cur->as_string()))
      return field_error("current_password", "is wrong");
  }
  ORDO_ASSIGN(std::string hash, hash_password(pw->as_string(), impl_->options.fast_password_hashing));
  Instant now = impl_->clock->now();
  auto r = impl_->store->write([&](SqlConn& c) -> Result<bool> {
    ORDO_ASSIGN(auto n, c.exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", {hash, now, id}));
    if (n == 0) return not_found("no user with id " + std::to_string(id));
    // Everyone holding the old password's sessions is logged out (the caller logs in again).
    ORDO_TRY(c.exec("DELETE FROM sessions WHERE user_id = ?", {id}));
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, "user", id, id == p.user_id ? "password_changed" : "password_reset", {}}));
    return true;
  });
  if (!r) return r.take_error();
  return {};
}

}  // namespace ordo
