#include "app/token_cache.h"

namespace ordo {

void TokenCache::set_ttl(std::int64_t ttl_seconds) {
  std::lock_guard lock(mu_);
  ttl_ = ttl_seconds;
  entries_.clear();
  ++generation_;
}

std::optional<Principal> TokenCache::find(const std::string& token_hash, Instant now) const {
  std::lock_guard lock(mu_);
  if (ttl_ <= 0) return std::nullopt;
  auto it = entries_.find(token_hash);
  if (it == entries_.end()) return std::nullopt;
  const Entry& e = it->second;
  // A clock that went back counts as stale too.
  if (now < e.checked_at || now - e.checked_at >= ttl_) return std::nullopt;
  if (e.expires_at && now >= *e.expires_at) return std::nullopt;
  return e.principal;
}

std::uint64_t TokenCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

void TokenCache::put(const std::string& token_hash, const Principal& p, std::optional<Instant> expires_at, Instant now,
                     std::uint64_t generation) {
  std::lock_guard lock(mu_);
  if (ttl_ <= 0 || generation != generation_) return;
  // Bounded: past the capacity the cache starts over (a new token costs one database read).
  if (entries_.size() >= capacity_ && !entries_.contains(token_hash)) entries_.clear();
  entries_.insert_or_assign(token_hash, Entry{p, expires_at, now});
}

void TokenCache::invalidate() {
  std::lock_guard lock(mu_);
  entries_.clear();
  ++generation_;
}

std::size_t TokenCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace ordo
