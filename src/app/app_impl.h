// App::Impl: the state behind the App facade, shared by app.cc (lifecycle, meta),
// records.cc (the generic record commands) and auth.cc (users, sessions, tokens).
// Constant after construction except what Store and StoreStats guard themselves.
#pragma once

#include <memory>

#include "app/app.h"
#include "store/event_log.h"
#include "store/store.h"

namespace ordo {

struct App::Impl {
  AppOptions options;
  SystemClock system_clock;
  const Clock* clock = nullptr;
  const Registry* registry = nullptr;
  StoreStats stats;
  std::unique_ptr<Store> store;
};

// Permission check: in this first version only administrators act (issue: access control
// brings roles). kForbidden otherwise.
Result<void> require_admin(const Principal& p);

// Password hashing with argon2id (libsodium crypto_pwhash_str).
Result<std::string> hash_password(std::string_view password, bool fast);
bool verify_password(const std::string& hash, std::string_view password);

// Inserts a user row; returns its id. Used by init and (later) user management.
Result<std::int64_t> insert_user(SqlConn& c, const std::string& username, const std::string& display_name,
                                 const std::string& password_hash, const std::string& roles, Instant now);

}  // namespace ordo
