#include "domain/clock.h"

#include <chrono>
#include <charconv>

#include <date/date.h>

namespace ordo {

Instant SystemClock::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Both directions are on every hot path (each timestamp of every JSON record the API writes or
// reads, every step of bench data and imports), so they use date's calendar arithmetic but not
// its stream-based format/parse: date::format built an ostringstream per call and
// date::parse an istringstream, which together were ~12% of a bench-data profile
// (docs/performance.md). The text forms are unchanged; clock_test.cc checks them against
// date::format across the calendar.

namespace {

void put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// Exactly `n` decimal digits at s[at..at+n), or -1.
int digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::string format_rfc3339(Instant t) {
  const date::sys_seconds tp{std::chrono::seconds{t}};
  const date::sys_days day = date::floor<date::days>(tp);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> hms{tp - day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return date::format("%Y-%m-%dT%H:%M:%SZ", tp);  // outside RFC 3339 anyway
  std::string out(20, '0');
  char* p = out.data();
  put2(p, static_cast<unsigned>(year / 100));
  put2(p + 2, static_cast<unsigned>(year % 100));
  p[4] = '-';
  put2(p + 5, static_cast<unsigned>(ymd.month()));
  p[7] = '-';
  put2(p + 8, static_cast<unsigned>(ymd.day()));
  p[10] = 'T';
  put2(p + 11, static_cast<unsigned>(hms.hours().count()));
  p[13] = ':';
  put2(p + 14, static_cast<unsigned>(hms.minutes().count()));
  p[16] = ':';
  put2(p + 17, static_cast<unsigned>(hms.seconds().count()));
  p[19] = 'Z';
  return out;
}

std::optional<Instant> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM); the fraction is dropped (Ordo keeps seconds).
  if (s.size() < 20 || s.size() > 40 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    const std::size_t start = ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    if (at == start) return std::nullopt;
  }
  if (at >= s.size()) return std::nullopt;
  std::int64_t offset = 0;
  if (s[at] == 'Z' || s[at] == 'z') {
    ++at;
  } else if (s[at] == '+' || s[at] == '-') {
    const int oh = digits(s, at + 1, 2), om = digits(s, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || at + 3 >= s.size() || s[at + 3] != ':') return std::nullopt;
    offset = (s[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  const std::int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + h * 3600 + mi * 60 + sec - offset;
}

}  // namespace ordo
