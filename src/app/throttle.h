// LoginThrottle: slows down password guessing, per account and per source address.
//
// After kFreeFailures failed logins within the window, further attempts for that key are
// refused (429 + Retry-After) for a delay that doubles with each further failure, capped at
// kMaxDelay. A successful login clears the account's record (not the source's). In memory
// and per node: a restart forgives, which is acceptable for throttling (not for auditing —
// every failure is also an event in the hash chain). Bounded: at most kMaxKeys keys, oldest
// dropped first. Thread-safe.
//
//   if (auto wait = throttle.blocked(user, ip, now)) return too_many(*wait);
//   ok ? throttle.success(user) : throttle.failure(user, ip, now);
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/clock.h"

namespace ordo {

class LoginThrottle {
 public:
  static constexpr int kAccountFreeFailures = 5;
  static constexpr int kSourceFreeFailures = 20;
  static constexpr std::int64_t kWindow = 15 * 60;
  static constexpr std::int64_t kBaseDelay = 30;
  static constexpr std::int64_t kMaxDelay = 15 * 60;
  static constexpr std::size_t kMaxKeys = 100000;

  // Seconds to wait before another attempt may be made, or nullopt when allowed.
  std::optional<std::int64_t> blocked(std::string_view account, std::string_view source, Instant now);
  void failure(std::string_view account, std::string_view source, Instant now);
  void success(std::string_view account);

 private:
  struct Entry {
    int failures = 0;
    Instant first = 0;
    Instant last = 0;
  };
  std::optional<std::int64_t> wait_for(const std::unordered_map<std::string, Entry>& m, const std::string& key,
                                       int free_failures, Instant now) const;
  void bump(std::unordered_map<std::string, Entry>& m, const std::string& key, Instant now);

  std::mutex mu_;
  std::unordered_map<std::string, Entry> accounts_;  // guarded by mu_
  std::unordered_map<std::string, Entry> sources_;   // guarded by mu_
};

}  // namespace ordo
