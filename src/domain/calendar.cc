// Debian builds libdate-tz against the system tz database (USE_OS_TZDB=1); the header must
// agree or date::time_zone has a different layout. No other file of ours includes tz.h.
#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1
#endif

#include "domain/calendar.h"

#include <chrono>
#include <exception>
#include <optional>
#include <string_view>

#include <boost/json.hpp>
#include <date/date.h>
#include <date/tz.h>

namespace ordo {
namespace {

constexpr std::int64_t kDay = 86400;
// Offset changes are far smaller than this (the largest ever was 24 h, Samoa 2011): a UTC
// guess this far inside an offset period is the unique, valid image of its local time.
constexpr std::int64_t kPeriodMargin = 2 * kDay;

constexpr std::array<std::string_view, 7> kWeekdayKeys{"mon", "tue", "wed", "thu",
                                                        "fri", "sat", "sun"};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// 1970-01-01 was a Thursday (3 when Monday is 0).
std::size_t weekday_of(std::int64_t day) {
  return static_cast<std::size_t>(((day % 7) + 7 + 3) % 7);
}

bool two_digits(std::string_view s, std::size_t at, int& out) {
  if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
  out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return true;
}

// "HH:MM" → seconds since midnight; "24:00" only when allow_end_of_day.
std::optional<std::int32_t> parse_hhmm(std::string_view s, bool allow_end_of_day) {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':' || !two_digits(s, 0, h) || !two_digits(s, 3, m)) return std::nullopt;
  if (m > 59) return std::nullopt;
  if (h == 24 && m == 0 && allow_end_of_day) return static_cast<std::int32_t>(kDay);
  if (h > 23) return std::nullopt;
  return static_cast<std::int32_t>(h * 3600 + m * 60);
}

std::string format_hhmm(std::int32_t seconds) {
  const int h = seconds / 3600, m = (seconds % 3600) / 60;  // 0 <= seconds <= 86400
  return std::string{static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':',
                     static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10)};
}

// "YYYY-MM-DD" → days since 1970-01-01.
std::optional<std::int64_t> parse_date(std::string_view s) {
  int y1 = 0, y2 = 0, mo = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !two_digits(s, 0, y1) || !two_digits(s, 2, y2) ||
      !two_digits(s, 5, mo) || !two_digits(s, 8, d))
    return std::nullopt;
  date::year_month_day ymd{date::year{y1 * 100 + y2}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}

std::string format_date(std::int64_t day) {
  return date::format("%F", date::sys_days{date::days{day}});
}

std::string idx(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

}  // namespace

// --- WorkingTimeCursor --------------------------------------------------------------------

void WorkingTimeCursor::refresh_offset(Instant utc) {
  date::sys_info info = cal_->zone_->get_info(date::sys_seconds{std::chrono::seconds{utc}});
  period_begin_ = info.begin.time_since_epoch().count();
  period_end_ = info.end.time_since_epoch().count();
  period_offset_ = info.offset.count();
}

Instant WorkingTimeCursor::to_utc(std::int64_t local_seconds) {
  Instant guess = local_seconds - period_offset_;
  if (guess - period_begin_ >= kPeriodMargin && period_end_ - guess > kPeriodMargin) return guess;
  // Near a transition (or in a new offset period): the documented rule, done by date —
  // earliest for an ambiguous time, the transition instant for a nonexistent one.
  auto sys = cal_->zone_->to_sys(date::local_seconds{std::chrono::seconds{local_seconds}},
                                 date::choose::earliest);
  Instant utc = sys.time_since_epoch().count();
  refresh_offset(utc);
  return utc;
}

TimeRange WorkingTimeCursor::next() {
  if (cal_->always_) {
    TimeRange r{lower_, Calendar::kForever};
    return r;
  }
  const std::vector<std::int64_t>& holidays = cal_->holidays_;
  for (;;) {
    const std::vector<WorkingInterval>& day_hours = cal_->week_[weekday_of(day_)];
    bool holiday = holiday_ < holidays.size() && holidays[holiday_] == day_;
    if (holiday || index_ >= day_hours.size()) {
      if (holiday) ++holiday_;
      ++day_;
      index_ = 0;
      continue;
    }
    const WorkingInterval& w = day_hours[index_++];
    std::int64_t midnight = day_ * kDay;
    Instant end = to_utc(midnight + w.end);
    if (end <= lower_) continue;
    Instant start = std::max(to_utc(midnight + w.start), lower_);
    if (start >= end) continue;  // wholly inside a spring-forward gap
    lower_ = end;
    return TimeRange{start, end};
  }
}

// --- Calendar -------------------------------------------------------------------------------

Calendar Calendar::twenty_four_seven() {
  Calendar c;
  c.name_ = "24x7";
  c.zone_name_ = "UTC";
  for (auto& d : c.week_) d = {WorkingInterval{0, static_cast<std::int32_t>(kDay)}};
  c.always_ = true;
  return c;
}

WorkingTimeCursor Calendar::working_from(Instant t) const& {
  WorkingTimeCursor c;
  c.cal_ = this;
  c.lower_ = t;
  if (always_) return c;
  c.refresh_offset(t);
  // Intervals of earlier local days end at or before local midnight of this day, whose UTC
  // image is <= t (the conversion is monotone), so the walk can start here.
  c.day_ = floor_div(t + c.period_offset_, kDay);
  c.holiday_ = static_cast<std::size_t>(std::lower_bound(holidays_.begin(), holidays_.end(), c.day_) -
                                        holidays_.begin());
  return c;
}

bool Calendar::is_working(Instant t) const {
  if (always_) return true;
  return working_from(t).next().from == t;
}

std::int64_t Calendar::business_seconds(Instant from, Instant to) const {
  if (to <= from) return 0;
  if (always_) return to - from;
  std::int64_t total = 0;
  for_each_working_interval(from, to, [&](TimeRange r) { total += r.to - r.from; });
  return total;
}

Instant Calendar::add_business_seconds(Instant from, std::int64_t seconds) const {
  if (seconds <= 0) return from;
  if (always_) return from + seconds;
  WorkingTimeCursor c = working_from(from);
  for (;;) {
    TimeRange r = c.next();
    std::int64_t len = r.to - r.from;
    if (seconds <= len) return r.from + seconds;
    seconds -= len;
  }
}

Result<Calendar> Calendar::from_json(const boost::json::object& o) {
  Calendar c;
  std::vector<FieldError> errors;
  auto fail = [&](std::string field, std::string message) {
    errors.push_back(FieldError{std::move(field), std::move(message)});
  };

  for (const auto& member : o) {
    std::string_view k = member.key();
    if (k != "name" && k != "timezone" && k != "hours" && k != "holidays" && k != "id")
      fail(std::string(k), "unknown member");
  }

  if (const auto* v = o.if_contains("name")) {
    if (v->is_string())
      c.name_ = std::string(v->get_string());
    else if (!v->is_null())
      fail("name", "must be a string");
  }

  const auto* tz = o.if_contains("timezone");
  if (!tz || !tz->is_string()) {
    fail("timezone", "is required: an IANA time zone name such as Europe/Berlin");
  } else {
    c.zone_name_ = std::string(tz->get_string());
    try {
      c.zone_ = date::locate_zone(c.zone_name_);
    } catch (const std::exception&) {
      c.zone_ = nullptr;
    }
    if (!c.zone_) fail("timezone", "unknown time zone '" + c.zone_name_ + "'");
  }

  const auto* hours = o.if_contains("hours");
  if (!hours || !hours->is_object()) {
    fail("hours", "is required: an object of weekday → [[\"HH:MM\",\"HH:MM\"], …]");
  } else {
    for (const auto& day : hours->get_object()) {
      std::string_view key = day.key();
      auto it = std::find(kWeekdayKeys.begin(), kWeekdayKeys.end(), key);
      std::string field = "hours." + std::string(key);
      if (it == kWeekdayKeys.end()) {
        fail(field, "unknown weekday; use mon tue wed thu fri sat sun");
        continue;
      }
      if (!day.value().is_array()) {
        fail(field, "must be an array of [\"HH:MM\",\"HH:MM\"] intervals");
        continue;
      }
      std::vector<WorkingInterval>& out = c.week_[static_cast<std::size_t>(it - kWeekdayKeys.begin())];
      const auto& arr = day.value().get_array();
      bool day_ok = true;
      for (std::size_t i = 0; i < arr.size(); ++i) {
        std::string f = idx(field, i);
        const auto* pair = arr[i].if_array();
        if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
          fail(f, "must be a pair [\"HH:MM\",\"HH:MM\"]");
          day_ok = false;
          continue;
        }
        auto start = parse_hhmm((*pair)[0].get_string(), false);
        auto end = parse_hhmm((*pair)[1].get_string(), true);
        if (!start) fail(idx(f, 0), "bad time; use HH:MM from 00:00 to 23:59");
        if (!end) fail(idx(f, 1), "bad time; use HH:MM from 00:00 to 24:00");
        if (!start || !end) {
          day_ok = false;
          continue;
        }
        if (*end <= *start) {
          fail(f, "the end must be after the start");
          day_ok = false;
          continue;
        }
        out.push_back(WorkingInterval{*start, *end});
      }
      if (!day_ok) continue;
      std::sort(out.begin(), out.end(),
                [](const WorkingInterval& a, const WorkingInterval& b) { return a.start < b.start; });
      std::vector<WorkingInterval> merged;
      for (const WorkingInterval& w : out) {
        if (!merged.empty() && w.start < merged.back().end) {
          fail(field, "intervals overlap: " + format_hhmm(w.start) + " is before " +
                          format_hhmm(merged.back().end));
          day_ok = false;
          break;
        }
        if (!merged.empty() && w.start == merged.back().end)
          merged.back().end = w.end;
        else
          merged.push_back(w);
      }
      if (day_ok) out = std::move(merged);
    }
    bool any = std::any_of(c.week_.begin(), c.week_.end(), [](const auto& d) { return !d.empty(); });
    if (!any && errors.empty()) fail("hours", "the calendar has no working time");
  }

  if (const auto* hol = o.if_contains("holidays")) {
    if (!hol->is_array()) {
      fail("holidays", "must be an array of \"YYYY-MM-DD\" dates");
    } else {
      const auto& arr = hol->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        std::optional<std::int64_t> d;
        if (arr[i].is_string()) d = parse_date(arr[i].get_string());
        if (!d)
          fail(idx("holidays", i), "bad date; use YYYY-MM-DD");
        else
          c.holidays_.push_back(*d);
      }
      std::sort(c.holidays_.begin(), c.holidays_.end());
      c.holidays_.erase(std::unique(c.holidays_.begin(), c.holidays_.end()), c.holidays_.end());
    }
  }

  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  c.always_ = c.holidays_.empty() && std::all_of(c.week_.begin(), c.week_.end(), [](const auto& d) {
                return d.size() == 1 && d[0].start == 0 && d[0].end == kDay;
              });
  return c;
}

boost::json::object Calendar::to_json() const {
  boost::json::object o;
  o["name"] = name_;
  o["timezone"] = zone_name_;
  boost::json::object hours;
  for (std::size_t d = 0; d < 7; ++d) {
    boost::json::array day;
    for (const WorkingInterval& w : week_[d])
      day.push_back(boost::json::array{boost::json::string(format_hhmm(w.start)),
                                       boost::json::string(format_hhmm(w.end))});
    hours[kWeekdayKeys[d]] = std::move(day);
  }
  o["hours"] = std::move(hours);
  boost::json::array holidays;
  for (std::int64_t day : holidays_) holidays.push_back(boost::json::string(format_date(day)));
  o["holidays"] = std::move(holidays);
  return o;
}

}  // namespace ordo
