// Calendar: the business hours an SLA clock counts in (DESIGN.md "Service levels: the clock").
//
// A calendar is an IANA time zone, working intervals per weekday in local wall time
// (several per day allowed; "24:00" allowed as an end), and holidays (local dates that are
// whole days off). `Calendar::twenty_four_seven()` ("24x7", UTC) is always working.
// The core query turns local business hours into UTC working intervals, walking whole local
// days (never seconds): `business_seconds(from, to)` and `add_business_seconds(from, s)`.
//
// Local time → UTC rule (documented, deterministic, exact across DST):
//   * every interval bound is converted on its own, so a 09:00–17:00 day is 8 hours on both
//     DST transition days, and a 00:00–24:00 day is 23 or 25 hours;
//   * an ambiguous local time (fall-back overlap) maps to its earliest instant
//     (date::choose::earliest: the first occurrence, still on the old offset);
//   * a nonexistent local time (spring-forward gap) maps to the first instant after the gap
//     (the transition instant itself), so an interval lying wholly inside the gap is empty.
//   Both rules are monotone, so a day's intervals stay ordered and disjoint in UTC.
//
// Thread-safety: a Calendar is immutable after construction and may be shared freely; a
// WorkingTimeCursor is a small value owned by one thread. Only from_json reads the system tz
// database (through date::locate_zone); queries never fail.
//
//   auto cal = Calendar::from_json(boost::json::parse(R"({"timezone":"Europe/Berlin",
//       "hours":{"mon":[["09:00","17:00"]]}})").as_object());
//   Instant due = cal->add_business_seconds(now, 4 * 3600);   // 4 business hours from now
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/clock.h"
#include "domain/result.h"

namespace date {
class time_zone;
}

namespace ordo {

// A half-open span of UTC time [from, to).
struct TimeRange {
  Instant from = 0;
  Instant to = 0;
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// One working interval of a local day in seconds since local midnight: 0 <= start < end <= 86400.
struct WorkingInterval {
  std::int32_t start = 0;
  std::int32_t end = 0;
  friend bool operator==(const WorkingInterval&, const WorkingInterval&) = default;
};

class Calendar;

// Walks a calendar's working intervals forward in UTC, one local day at a time. Obtained from
// Calendar::working_from(t); the first interval returned is clipped to start at t at the
// earliest. Caches the zone's current UTC offset period, so a walk costs one tz lookup per
// offset change, not one per interval. Valid while its Calendar lives.
class WorkingTimeCursor {
 public:
  // The next working interval: from < to, from >= the previous interval's to (intervals never
  // overlap; consecutive ones may touch, e.g. 23:00–24:00 then 00:00–01:00). Never fails:
  // a calendar has working time in every week, and holidays are finite. An always-working
  // calendar yields one interval, [t, Calendar::kForever).
  TimeRange next();

 private:
  friend class Calendar;
  Instant to_utc(std::int64_t local_seconds);
  void refresh_offset(Instant utc);

  const Calendar* cal_ = nullptr;
  Instant lower_ = 0;              // intervals are clipped to start no earlier than this
  std::int64_t day_ = 0;           // current local day, days since 1970-01-01
  std::uint32_t index_ = 0;        // next interval of day_ to look at
  std::size_t holiday_ = 0;        // first holiday >= day_
  // The zone's offset period containing the last conversion: [begin, end) UTC, offset.
  Instant period_begin_ = 0;
  Instant period_end_ = 0;
  std::int64_t period_offset_ = 0;
};

class Calendar {
 public:
  static constexpr Instant kForever = std::numeric_limits<Instant>::max();

  // "24x7": always working, UTC, no holidays.
  static Calendar twenty_four_seven();

  // {"name": "...", "timezone": "Europe/Berlin",
  //  "hours": {"mon": [["09:00","17:00"]], ..., "sun": []},   keys mon tue wed thu fri sat sun
  //  "holidays": ["2026-04-06", ...]}
  // Times are "HH:MM" (00:00–23:59; "24:00" only as an end). Missing weekdays have no hours.
  // Per-field errors (field names like "hours.mon[0][1]", "holidays[2]"): unknown zone, bad
  // time, reversed/empty or overlapping intervals, bad date, unknown weekday key, unknown
  // member ("id" is tolerated and ignored), no working time at all. "name" is optional.
  // Intervals are stored sorted, touching ones merged; holidays sorted and de-duplicated,
  // which is what to_json() returns.
  static Result<Calendar> from_json(const boost::json::object& o);
  boost::json::object to_json() const;

  const std::string& name() const { return name_; }
  const std::string& timezone() const { return zone_name_; }
  // weekday: 0 = Monday … 6 = Sunday.
  const std::vector<WorkingInterval>& hours(int weekday) const {
    return week_[static_cast<std::size_t>(weekday)];
  }
  // Every day fully working, no holidays: working time is all time.
  bool always_working() const { return always_; }

  bool is_working(Instant t) const;

  // A cursor over the working intervals that end after t. It points into this calendar, so
  // asking a temporary for one does not compile.
  WorkingTimeCursor working_from(Instant t) const&;
  WorkingTimeCursor working_from(Instant t) const&& = delete;

  // Calls f(TimeRange) for each working interval intersecting [from, to), clipped to it.
  template <class F>
  void for_each_working_interval(Instant from, Instant to, F&& f) const {
    if (to <= from) return;
    WorkingTimeCursor c = working_from(from);
    for (;;) {
      TimeRange r = c.next();
      if (r.from >= to) return;
      f(TimeRange{r.from, std::min(r.to, to)});
      if (r.to >= to) return;
    }
  }

  // Working seconds in [from, to); 0 when to <= from.
  std::int64_t business_seconds(Instant from, Instant to) const;

  // The earliest instant t >= from with business_seconds(from, t) == seconds (from itself
  // when seconds <= 0). Used for due_at: the end of the last working second, so a target
  // that runs out at 17:00 is due at 17:00, not at 09:00 the next working day.
  Instant add_business_seconds(Instant from, std::int64_t seconds) const;

 private:
  friend class WorkingTimeCursor;
  Calendar() = default;

  std::string name_;
  std::string zone_name_;
  const date::time_zone* zone_ = nullptr;  // owned by the process-wide tz database
  std::array<std::vector<WorkingInterval>, 7> week_;
  std::vector<std::int64_t> holidays_;  // local days since 1970-01-01, sorted, unique
  bool always_ = false;
};

}  // namespace ordo
