#pragma once
// API tokens already checked against the database, kept for a few seconds so that a GET
// does not pay a read transaction for its credentials (it was a sixth of a GET's server CPU).
//
// What may be stale, and for how long: this process drops every entry as soon as it commits
// a change to a user or a token (App calls invalidate()), so a revocation through this
// server's API takes effect on the next request. A change made by another process on the
// same database (the `ordo` CLI, another node on PostgreSQL) is seen when the entry is older
// than the TTL: at most `ttl_seconds` late. A TTL of 0 turns the cache off.
//
// Thread-safe. Pure: the caller passes the time (the injected clock) and the token's hash.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "app/app.h"

namespace ordo {

class TokenCache {
 public:
  explicit TokenCache(std::int64_t ttl_seconds = 2, std::size_t capacity = 4096)
      : ttl_(ttl_seconds), capacity_(capacity) {}

  void set_ttl(std::int64_t ttl_seconds);

  // The principal of a token checked less than the TTL ago, unless invalidated since or
  // expired at `now`.
  std::optional<Principal> find(const std::string& token_hash, Instant now) const;

  // Read before the database read whose result goes to put(): a put that raced with an
  // invalidate() is dropped, so a revoked token is never cached again from an old read.
  std::uint64_t generation() const;
  void put(const std::string& token_hash, const Principal& p, std::optional<Instant> expires_at, Instant now,
           std::uint64_t generation);

  // After committing a change to users or tokens: every entry goes.
  void invalidate();

  std::size_t size() const;

 private:
  struct Entry {
    Principal principal;
    std::optional<Instant> expires_at;
    Instant checked_at = 0;
  };
  mutable std::mutex mu_;
  std::int64_t ttl_;
  std::size_t capacity_;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace ordo
