// Time in Ordo: instants are int64 seconds since the Unix epoch (UTC); the API speaks
// RFC 3339 (`2026-03-02T09:15:00Z`). The clock is injected (STYLE.md §8): production uses
// SystemClock, tests a ManualClock, so no test depends on wall time.
//
//   ManualClock clock(parse_rfc3339("2026-03-02T09:15:00Z").value());
//   clock.advance(60);
//   format_rfc3339(clock.now());  // "2026-03-02T09:16:00Z"
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ordo {

using Instant = std::int64_t;  // seconds since 1970-01-01T00:00:00Z

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

// Thread-safe: set/advance may race with now().
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant t) : t_(t) {}
  Instant now() const override { return t_.load(); }
  void set(Instant t) { t_.store(t); }
  void advance(std::int64_t seconds) { t_.fetch_add(seconds); }

 private:
  std::atomic<Instant> t_;
};

std::string format_rfc3339(Instant t);
// Accepts `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; returns nullopt for anything else.
std::optional<Instant> parse_rfc3339(std::string_view s);

}  // namespace ordo
