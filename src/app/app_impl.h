// App::Impl: the state behind the App facade, shared by app.cc (lifecycle, meta),
// records.cc (the generic record commands) and auth.cc (users, sessions, tokens).
// Constant after construction except what Store and StoreStats guard themselves.
#pragma once

#include <memory>

#include "app/app.h"
#include "app/sla.h"
#include "app/throttle.h"
#include "app/token_cache.h"
#include "store/event_log.h"
#include "store/store.h"

namespace ordo {

class HookTable;

struct App::Impl {
  Impl();
  ~Impl();
  AppOptions options;
  SystemClock system_clock;
  const Clock* clock = nullptr;
  const Registry* registry = nullptr;
  StoreStats stats;
  std::unique_ptr<Store> store;
  LoginThrottle throttle;
  TokenCache tokens;  // API tokens checked in the last options.auth_cache_seconds
  std::unique_ptr<SlaEngine> sla;
  std::unique_ptr<HookTable> hooks;  // process hooks (app/hooks.h)
};

// The built-in records every database has (the 24x7 calendar); idempotent.
Result<void> ensure_builtin_records(Store& store, const Registry& reg, const Clock& clock);

// Anyone with a role besides requester: the provider's own people.
inline bool is_staff(const Principal& p) {
  for (const auto& r : p.roles)
    if (r != "requester") return true;
  return false;
}

// Administrator-only actions (user management). kForbidden otherwise.
Result<void> require_admin(const Principal& p);

// What the principal may do with records of `t` (domain/access.h). Requesters are scoped to
// their organisation and to public fields.
struct Scope {
  bool own_org_only = false;
  bool public_only = false;
  std::optional<std::int64_t> organisation;  // the principal's
};

// The record commands' building blocks (records.cc), for use cases that act on a record
// inside their own write transaction (e.g. conversation.cc).
// What `p` may do with records of `t`: kNotFound for a type they may not read, kForbidden
// for another operation their role does not allow.
Result<Scope> authorize(const Principal& p, const RecordType& t, Op op, std::string_view to = {});
// The stored record (API form, internal fields included) when `s` may see it, else kNotFound.
Result<boost::json::object> load_visible(SqlConn& c, const RecordType& t, std::int64_t id, const Scope& s);
// App::transition's work inside the caller's transaction, as `p` (who must see the record)
// but without the role check, which the caller made: validation, hooks, SLA figures and the
// "transition" event. `body` is {"to": STATE, ...}. Returns the record as written.
Result<boost::json::object> transition_in(SqlConn& c, SlaEngine& sla, const HookTable& hooks, const Registry& reg,
                                          const Principal& p, const RecordType& t, std::int64_t id,
                                          const boost::json::object& body, Instant now);

// Password hashing with argon2id (libsodium crypto_pwhash_str).
Result<std::string> hash_password(std::string_view password, bool fast);
bool verify_password(const std::string& hash, std::string_view password);

// Inserts a user row; returns its id. Used by init and user management.
Result<std::int64_t> insert_user(SqlConn& c, const std::string& username, const std::string& display_name,
                                 const std::string& password_hash, const std::string& roles, Instant now);
// Roles are stored as one comma-separated text column ("agent,process_manager:incident").
std::vector<std::string> split_roles(const std::string& s);

// Password rules: 12 to 1024 bytes.
Result<void> check_password_rules(std::string_view password, const char* field = "password");

}  // namespace ordo
