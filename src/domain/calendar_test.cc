#include "domain/calendar.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>

#include <boost/json.hpp>
#include <date/date.h>

namespace ordo {
namespace {

Instant T(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t) << rfc3339;
  return t.value_or(0);
}

Calendar make(std::string_view json) {
  auto c = Calendar::from_json(boost::json::parse(json).as_object());
  if (!c) {
    std::string why = c.error().message;
    for (const auto& f : c.error().fields) why += "; " + f.field + ": " + f.message;
    ADD_FAILURE() << why << " in " << json;
    return Calendar::twenty_four_seven();
  }
  return std::move(*c);
}

// The calendars the tables below use.
const Calendar& calendar(std::string_view name) {
  static const auto* all = new std::map<std::string, Calendar, std::less<>>{
      {"24x7", Calendar::twenty_four_seven()},
      {"berlin_office", make(R"({"name":"Berlin office","timezone":"Europe/Berlin",
          "hours":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],
                   "thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]},
          "holidays":["2026-04-03","2026-04-06"]})")},
      {"berlin_daily", make(R"({"timezone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]],
          "tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],
          "fri":[["09:00","17:00"]],"sat":[["09:00","17:00"]],"sun":[["09:00","17:00"]]}})")},
      {"berlin_full", make(R"({"timezone":"Europe/Berlin","hours":{"mon":[["00:00","24:00"]],
          "tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],
          "fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]},
          "holidays":["2026-12-25"]})")},
      {"ny_daily", make(R"({"timezone":"America/New_York","hours":{"mon":[["09:00","17:00"]],
          "tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],
          "fri":[["09:00","17:00"]],"sat":[["09:00","17:00"]],"sun":[["09:00","17:00"]]}})")},
      {"ny_full", make(R"({"timezone":"America/New_York","hours":{"mon":[["00:00","24:00"]],
          "tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],
          "fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]},
          "holidays":["2026-12-25"]})")},
      {"split", make(R"({"timezone":"Europe/Berlin","hours":{"mon":[["13:00","17:00"],["08:00","12:00"]],
          "tue":[["22:00","24:00"]],"wed":[["00:00","02:00"]]}})")},
      // Interval bounds inside the DST gap / overlap hour (02:00–03:00 local in Berlin).
      {"dst_edges", make(R"({"timezone":"Europe/Berlin","hours":{"sun":[["02:30","04:00"]]}})")},
      {"in_gap", make(R"({"timezone":"Europe/Berlin","hours":{"sun":[["02:10","02:50"],["03:00","04:00"]]}})")},
  };
  auto it = all->find(name);
  if (it == all->end()) {
    ADD_FAILURE() << "no calendar " << name;
    return all->begin()->second;
  }
  return it->second;
}

// --- business_seconds ---------------------------------------------------------------------

struct BusinessCase {
  const char* name;
  friend void PrintTo(const BusinessCase& c, std::ostream* os) { *os << c.name; }
  const char* calendar;
  const char* from;
  const char* to;
  std::int64_t seconds;
};

const BusinessCase kBusinessCases[] = {
    {"one_office_day", "berlin_office", "2026-03-02T08:00:00Z", "2026-03-02T16:00:00Z", 8 * 3600},
    {"whole_utc_day_holds_one_office_day", "berlin_office", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 8 * 3600},
    // Mon 16:00 → Tue 10:00 local: 1 h + 1 h.
    {"night", "berlin_office", "2026-03-02T15:00:00Z", "2026-03-03T09:00:00Z", 2 * 3600},
    // Fri 16:00 → Mon 10:00 local.
    {"weekend", "berlin_office", "2026-03-06T15:00:00Z", "2026-03-09T09:00:00Z", 2 * 3600},
    // Thu 2 Apr 16:00 CEST → Tue 7 Apr 10:00 CEST; Good Friday and Easter Monday off.
    {"easter_holidays", "berlin_office", "2026-04-02T14:00:00Z", "2026-04-07T08:00:00Z", 2 * 3600},
    {"a_week", "berlin_office", "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z", 5 * 8 * 3600},
    {"inside_one_interval", "berlin_office", "2026-03-04T10:00:00Z", "2026-03-04T10:00:07Z", 7},
    {"reversed_range_is_zero", "berlin_office", "2026-03-04T12:00:00Z", "2026-03-04T10:00:00Z", 0},
    {"empty_range_is_zero", "berlin_office", "2026-03-04T12:00:00Z", "2026-03-04T12:00:00Z", 0},
    // DST: a 09:00–17:00 day is 8 h on both transition days (Sundays).
    {"berlin_spring_forward_day", "berlin_daily", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 8 * 3600},
    {"berlin_fall_back_day", "berlin_daily", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 8 * 3600},
    {"ny_spring_forward_day", "ny_daily", "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", 8 * 3600},
    {"ny_fall_back_day", "ny_daily", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", 8 * 3600},
    // The first working second after spring-forward is 09:00 CEST = 07:00Z, not 08:00Z.
    {"berlin_spring_day_starts_at_0700z", "berlin_daily", "2026-03-29T07:00:00Z", "2026-03-29T08:00:00Z", 3600},
    // A whole local day is 23 h / 25 h long.
    {"berlin_full_spring_day_23h", "berlin_full", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 23 * 3600},
    {"berlin_full_fall_day_25h", "berlin_full", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 25 * 3600},
    {"ny_full_spring_day_23h", "ny_full", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", 23 * 3600},
    {"ny_full_fall_day_25h", "ny_full", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", 25 * 3600},
    // 24 Dec 13:00 → 26 Dec 13:00 local, 25 Dec off: 11 h + 13 h.
    {"full_days_around_a_holiday", "berlin_full", "2026-12-24T12:00:00Z", "2026-12-26T12:00:00Z", 24 * 3600},
    {"two_intervals_a_day", "split", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 8 * 3600},
    // Tue 22:00 → Wed 02:00 local, across midnight.
    {"across_midnight", "split", "2026-03-03T00:00:00Z", "2026-03-05T00:00:00Z", 4 * 3600},
    {"across_midnight_partial", "split", "2026-03-03T22:30:00Z", "2026-03-04T00:15:00Z", 6300},
    // 02:30 does not exist on 29 Mar: it becomes 03:00 CEST = 01:00Z; 04:00 CEST = 02:00Z.
    {"start_in_spring_gap", "dst_edges", "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z", 3600},
    // 02:30 is ambiguous on 25 Oct: earliest = 02:30 CEST = 00:30Z; 04:00 CET = 03:00Z.
    {"start_in_fall_overlap", "dst_edges", "2026-10-25T00:00:00Z", "2026-10-26T00:00:00Z", 9000},
    {"interval_inside_gap_is_empty", "in_gap", "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z", 3600},
    // 02:10–02:50 CEST (00:10–00:50Z) + 03:00–04:00 CET (02:00–03:00Z).
    {"intervals_in_overlap", "in_gap", "2026-10-25T00:00:00Z", "2026-10-26T00:00:00Z", 6000},
    {"intervals_on_a_plain_sunday", "in_gap", "2026-03-22T00:00:00Z", "2026-03-23T00:00:00Z", 6000},
    {"24x7_is_wall_time", "24x7", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z", 48 * 3600},
};

class BusinessSeconds : public testing::TestWithParam<BusinessCase> {};

TEST_P(BusinessSeconds, Counts) {
  const BusinessCase& c = GetParam();
  EXPECT_EQ(calendar(c.calendar).business_seconds(T(c.from), T(c.to)), c.seconds);
}

INSTANTIATE_TEST_SUITE_P(Table, BusinessSeconds, testing::ValuesIn(kBusinessCases),
                         [](const auto& info) { return std::string(info.param.name); });

// --- add_business_seconds -----------------------------------------------------------------

struct AddCase {
  const char* name;
  friend void PrintTo(const AddCase& c, std::ostream* os) { *os << c.name; }
  const char* calendar;
  const char* from;
  std::int64_t seconds;
  const char* expected;
};

const AddCase kAddCases[] = {
    {"zero_is_from_even_outside_hours", "berlin_office", "2026-03-07T12:00:00Z", 0, "2026-03-07T12:00:00Z"},
    {"within_the_day", "berlin_office", "2026-03-02T08:00:00Z", 3600, "2026-03-02T09:00:00Z"},
    // Runs out exactly at 17:00: due at 17:00, not at 09:00 the next day.
    {"ends_exactly_at_close", "berlin_office", "2026-03-02T08:00:00Z", 8 * 3600, "2026-03-02T16:00:00Z"},
    {"over_the_night", "berlin_office", "2026-03-02T15:00:00Z", 2 * 3600, "2026-03-03T09:00:00Z"},
    {"over_the_weekend", "berlin_office", "2026-03-06T15:00:00Z", 2 * 3600, "2026-03-09T09:00:00Z"},
    {"from_a_saturday", "berlin_office", "2026-03-07T12:00:00Z", 1, "2026-03-09T08:00:01Z"},
    {"over_easter", "berlin_office", "2026-04-02T14:00:00Z", 2 * 3600, "2026-04-07T08:00:00Z"},
    // Five business days from Monday 09:00 end on Friday 17:00.
    {"a_business_week", "berlin_office", "2026-03-02T08:00:00Z", 5 * 8 * 3600, "2026-03-06T16:00:00Z"},
    {"into_berlin_spring_day", "berlin_daily", "2026-03-28T15:00:00Z", 2 * 3600, "2026-03-29T08:00:00Z"},
    {"into_ny_fall_day", "ny_daily", "2026-10-31T20:00:00Z", 2 * 3600, "2026-11-01T15:00:00Z"},
    {"across_touching_midnight", "split", "2026-03-03T22:00:00Z", 2 * 3600, "2026-03-04T00:00:00Z"},
    {"24x7", "24x7", "2026-03-03T22:00:00Z", 100, "2026-03-03T22:01:40Z"},
};

class AddBusinessSeconds : public testing::TestWithParam<AddCase> {};

TEST_P(AddBusinessSeconds, Lands) {
  const AddCase& c = GetParam();
  EXPECT_EQ(format_rfc3339(calendar(c.calendar).add_business_seconds(T(c.from), c.seconds)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, AddBusinessSeconds, testing::ValuesIn(kAddCases),
                         [](const auto& info) { return std::string(info.param.name); });

// --- is_working ---------------------------------------------------------------------------

struct WorkingCase {
  const char* calendar;
  const char* at;
  bool working;
};

const WorkingCase kWorkingCases[] = {
    {"berlin_office", "2026-03-02T08:00:00Z", true},   // 09:00 opens
    {"berlin_office", "2026-03-02T07:59:59Z", false},
    {"berlin_office", "2026-03-02T15:59:59Z", true},
    {"berlin_office", "2026-03-02T16:00:00Z", false},  // 17:00 is the first closed second
    {"berlin_office", "2026-03-07T10:00:00Z", false},  // Saturday
    {"berlin_office", "2026-04-06T10:00:00Z", false},  // Easter Monday
    {"dst_edges", "2026-10-25T00:15:00Z", false},      // 02:15 CEST, before 02:30 CEST
    {"dst_edges", "2026-10-25T01:15:00Z", true},       // 02:15 CET: second pass, inside the interval
    {"dst_edges", "2026-10-25T02:59:59Z", true},
    {"dst_edges", "2026-10-25T03:00:00Z", false},      // 04:00 CET
    {"24x7", "1999-12-31T23:59:59Z", true},
};

TEST(CalendarIsWorking, Table) {
  for (const WorkingCase& c : kWorkingCases)
    EXPECT_EQ(calendar(c.calendar).is_working(T(c.at)), c.working) << c.calendar << " " << c.at;
}

// --- parsing --------------------------------------------------------------------------------

struct BadCase {
  const char* name;
  friend void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }
  const char* json;
  const char* field;
};

const BadCase kBadCases[] = {
    {"missing_zone", R"({"hours":{"mon":[["09:00","17:00"]]}})", "timezone"},
    {"zone_not_a_string", R"({"timezone":1,"hours":{"mon":[["09:00","17:00"]]}})", "timezone"},
    {"unknown_zone", R"({"timezone":"Mars/Olympus_Mons","hours":{"mon":[["09:00","17:00"]]}})", "timezone"},
    {"missing_hours", R"({"timezone":"UTC"})", "hours"},
    {"no_working_time", R"({"timezone":"UTC","hours":{"mon":[]}})", "hours"},
    {"unknown_weekday", R"({"timezone":"UTC","hours":{"monday":[["09:00","17:00"]]}})", "hours.monday"},
    {"day_not_an_array", R"({"timezone":"UTC","hours":{"mon":"9-5"}})", "hours.mon"},
    {"not_a_pair", R"({"timezone":"UTC","hours":{"mon":[["09:00"]]}})", "hours.mon[0]"},
    {"pair_of_numbers", R"({"timezone":"UTC","hours":{"mon":[[9,17]]}})", "hours.mon[0]"},
    {"one_digit_hour", R"({"timezone":"UTC","hours":{"mon":[["9:00","17:00"]]}})", "hours.mon[0][0]"},
    {"hour_25", R"({"timezone":"UTC","hours":{"mon":[["25:00","26:00"]]}})", "hours.mon[0][0]"},
    {"minute_60", R"({"timezone":"UTC","hours":{"mon":[["09:00","17:60"]]}})", "hours.mon[0][1]"},
    {"24_as_start", R"({"timezone":"UTC","hours":{"mon":[["24:00","24:00"]]}})", "hours.mon[0][0]"},
    {"past_24", R"({"timezone":"UTC","hours":{"mon":[["09:00","24:01"]]}})", "hours.mon[0][1]"},
    {"reversed", R"({"timezone":"UTC","hours":{"tue":[["17:00","09:00"]]}})", "hours.tue[0]"},
    {"empty_interval", R"({"timezone":"UTC","hours":{"tue":[["09:00","09:00"]]}})", "hours.tue[0]"},
    {"overlap", R"({"timezone":"UTC","hours":{"wed":[["09:00","12:00"],["11:00","13:00"]]}})", "hours.wed"},
    {"overlap_unsorted", R"({"timezone":"UTC","hours":{"wed":[["11:00","13:00"],["09:00","12:00"]]}})", "hours.wed"},
    {"bad_date", R"({"timezone":"UTC","hours":{"mon":[["09:00","17:00"]]},"holidays":["2026-02-30"]})", "holidays[0]"},
    {"short_date", R"({"timezone":"UTC","hours":{"mon":[["09:00","17:00"]]},"holidays":["2026-01-01","2026-4-6"]})", "holidays[1]"},
    {"date_not_a_string", R"({"timezone":"UTC","hours":{"mon":[["09:00","17:00"]]},"holidays":[20260101]})", "holidays[0]"},
    {"holidays_not_an_array", R"({"timezone":"UTC","hours":{"mon":[["09:00","17:00"]]},"holidays":"2026-01-01"})", "holidays"},
    {"name_not_a_string", R"({"name":5,"timezone":"UTC","hours":{"mon":[["09:00","17:00"]]}})", "name"},
    {"unknown_member", R"({"timezone":"UTC","hours":{"mon":[["09:00","17:00"]]},"holiday":[]})", "holiday"},
};

class CalendarRejects : public testing::TestWithParam<BadCase> {};

TEST_P(CalendarRejects, WithFieldError) {
  const BadCase& c = GetParam();
  auto r = Calendar::from_json(boost::json::parse(c.json).as_object());
  ASSERT_FALSE(r) << c.json;
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  bool found = false;
  std::string got;
  for (const auto& f : r.error().fields) {
    found |= f.field == c.field;
    got += f.field + " (" + f.message + ") ";
  }
  EXPECT_TRUE(found) << "want " << c.field << ", got " << got;
}

INSTANTIATE_TEST_SUITE_P(Table, CalendarRejects, testing::ValuesIn(kBadCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CalendarJson, ReportsEveryBadFieldAtOnce) {
  auto r = Calendar::from_json(boost::json::parse(
      R"({"timezone":"Nowhere/Land","hours":{"mon":[["09:00","17:00"]],"xyz":[]},"holidays":["x"]})").as_object());
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().fields.size(), 3u);
  EXPECT_EQ(r.error().fields[0].field, "timezone");
  EXPECT_EQ(r.error().fields[1].field, "hours.xyz");
  EXPECT_EQ(r.error().fields[2].field, "holidays[0]");
}

TEST(CalendarJson, NormalizesAndRoundTrips) {
  Calendar c = make(R"({"name":"Ops","timezone":"Europe/Berlin","id":7,
      "hours":{"mon":[["13:00","17:00"],["09:00","13:00"]],"fri":[["08:00","12:00"],["13:00","24:00"]]},
      "holidays":["2026-12-25","2026-12-24","2026-12-25"]})");
  EXPECT_EQ(c.name(), "Ops");
  EXPECT_EQ(c.timezone(), "Europe/Berlin");
  EXPECT_EQ(c.hours(0), (std::vector<WorkingInterval>{{9 * 3600, 17 * 3600}}));  // touching: merged
  EXPECT_EQ(c.hours(4), (std::vector<WorkingInterval>{{8 * 3600, 12 * 3600}, {13 * 3600, 86400}}));
  EXPECT_TRUE(c.hours(6).empty());
  boost::json::object j = c.to_json();
  EXPECT_EQ(boost::json::serialize(j),
            R"({"name":"Ops","timezone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]],"tue":[],"wed":[],)"
            R"("thu":[],"fri":[["08:00","12:00"],["13:00","24:00"]],"sat":[],"sun":[]},)"
            R"("holidays":["2026-12-24","2026-12-25"]})");
  EXPECT_EQ(make(boost::json::serialize(j)).to_json(), j);
}

TEST(CalendarJson, TwentyFourSeven) {
  Calendar c = Calendar::twenty_four_seven();
  EXPECT_TRUE(c.always_working());
  EXPECT_EQ(c.name(), "24x7");
  EXPECT_EQ(c.timezone(), "UTC");
  Calendar again = make(boost::json::serialize(c.to_json()));
  EXPECT_TRUE(again.always_working());
  EXPECT_EQ(again.to_json(), c.to_json());
  // Full days with a holiday are not "always".
  EXPECT_FALSE(calendar("berlin_full").always_working());
}

TEST(CalendarCursor, YieldsOrderedClippedIntervals) {
  WorkingTimeCursor c = calendar("split").working_from(T("2026-03-02T09:30:00Z"));
  // Mon 08:00–12:00 local (07:00–11:00Z) clipped; 13:00–17:00; Tue 22:00–24:00 and Wed
  // 00:00–02:00 come as two touching intervals.
  EXPECT_EQ(c.next(), (TimeRange{T("2026-03-02T09:30:00Z"), T("2026-03-02T11:00:00Z")}));
  EXPECT_EQ(c.next(), (TimeRange{T("2026-03-02T12:00:00Z"), T("2026-03-02T16:00:00Z")}));
  EXPECT_EQ(c.next(), (TimeRange{T("2026-03-03T21:00:00Z"), T("2026-03-03T23:00:00Z")}));
  EXPECT_EQ(c.next(), (TimeRange{T("2026-03-03T23:00:00Z"), T("2026-03-04T01:00:00Z")}));
  EXPECT_EQ(c.next(), (TimeRange{T("2026-03-09T07:00:00Z"), T("2026-03-09T11:00:00Z")}));
}

// --- properties against an independent reference ---------------------------------------

// The 2026 rules written out by hand (EU: last Sundays of March/October at 01:00Z; US:
// second Sunday of March 02:00 local, first Sunday of November 02:00 local), so the
// reference does not share the tz code under test.
struct Reference {
  const char* calendar;
  std::int64_t standard_offset;
  Instant dst_begin;
  Instant dst_end;
  // Working intervals per weekday (0 = Monday), local seconds of day; holidays as "YYYY-MM-DD".
  std::vector<std::vector<std::pair<int, int>>> week;
  std::vector<const char*> holidays;
  std::vector<std::int64_t> holiday_days{};  // filled from holidays
};

bool reference_working(const Reference& ref, Instant t) {
  std::int64_t offset = ref.standard_offset + ((t >= ref.dst_begin && t < ref.dst_end) ? 3600 : 0);
  std::int64_t local = t + offset;
  std::int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int sec = static_cast<int>(local - day * 86400);
  for (std::int64_t h : ref.holiday_days)
    if (h == day) return false;
  int wd = static_cast<int>(((day % 7) + 7 + 3) % 7);
  for (auto [s, e] : ref.week[wd])
    if (sec >= s && sec < e) return true;
  return false;
}

std::vector<Reference> references() {
  auto hm = [](int h, int m) { return h * 3600 + m * 60; };
  // Bounds avoid 02:00–03:00 local, where the earliest/after-gap rule (not plain
  // membership) decides; inside intervals the DST hours count as they are.
  std::vector<std::vector<std::pair<int, int>>> week{
      {{hm(0, 0), hm(1, 0)}, {hm(8, 0), hm(12, 0)}, {hm(13, 0), hm(17, 30)}},
      {{hm(8, 0), hm(12, 0)}, {hm(13, 0), hm(17, 30)}},
      {{hm(8, 0), hm(17, 30)}},
      {{hm(8, 0), hm(12, 0)}, {hm(13, 0), hm(17, 30)}},
      {{hm(8, 0), hm(15, 0)}},
      {{hm(10, 0), hm(14, 0)}},
      {{hm(1, 0), hm(4, 0)}, {hm(20, 0), hm(24, 0)}},
  };
  std::vector<Reference> refs{
      {"prop_berlin", 3600, T("2026-03-29T01:00:00Z"), T("2026-10-25T01:00:00Z"), week,
       {"2026-04-06", "2026-10-26", "2026-12-25"}},
      {"prop_ny", -5 * 3600, T("2026-03-08T07:00:00Z"), T("2026-11-01T06:00:00Z"), week,
       {"2026-03-09", "2026-11-02", "2026-12-25"}},
  };
  for (Reference& r : refs)
    for (const char* h : r.holidays) {
      int y = 0, mo = 0, d = 0;
      std::sscanf(h, "%d-%d-%d", &y, &mo, &d);
      r.holiday_days.push_back(date::sys_days{date::year{y} / mo / d}.time_since_epoch().count());
    }
  return refs;
}

Calendar reference_calendar(const Reference& ref, const char* zone) {
  static const char* keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  boost::json::object hours;
  for (int d = 0; d < 7; ++d) {
    boost::json::array day;
    for (auto [s, e] : ref.week[static_cast<std::size_t>(d)]) {
      char a[6], b[6];
      std::snprintf(a, sizeof a, "%02d:%02d", (s / 3600) % 100, (s % 3600) / 60);
      std::snprintf(b, sizeof b, "%02d:%02d", (e / 3600) % 100, (e % 3600) / 60);
      day.push_back(boost::json::array{a, b});
    }
    hours[keys[d]] = std::move(day);
  }
  boost::json::array holidays;
  for (const char* h : ref.holidays) holidays.emplace_back(h);
  boost::json::object o{{"timezone", zone}, {"hours", std::move(hours)}, {"holidays", std::move(holidays)}};
  return make(boost::json::serialize(o));
}

TEST(CalendarProperty, MatchesMinuteByMinuteReference) {
  std::vector<Reference> refs = references();
  const char* zones[] = {"Europe/Berlin", "America/New_York"};
  std::mt19937_64 rng(20260329);
  const Instant year_start = T("2026-01-01T00:00:00Z");
  for (std::size_t z = 0; z < refs.size(); ++z) {
    Calendar cal = reference_calendar(refs[z], zones[z]);
    // Random minute-aligned ranges of up to 4 days; half of them start near a DST switch.
    for (int i = 0; i < 300; ++i) {
      Instant from;
      if (i % 2 == 0) {
        Instant pivot = (i % 4 == 0) ? refs[z].dst_begin : refs[z].dst_end;
        from = pivot - 3 * 86400 + static_cast<Instant>(rng() % (4 * 1440)) * 60;
      } else {
        from = year_start + static_cast<Instant>(rng() % (350 * 1440)) * 60;
      }
      Instant to = from + static_cast<Instant>(rng() % (4 * 1440)) * 60;
      std::int64_t want = 0;
      for (Instant m = from; m < to; m += 60) want += reference_working(refs[z], m) ? 60 : 0;
      ASSERT_EQ(cal.business_seconds(from, to), want)
          << zones[z] << " " << format_rfc3339(from) << " → " << format_rfc3339(to);
    }
  }
}

TEST(CalendarProperty, AddIsTheInverseOfBusinessSeconds) {
  std::vector<Reference> refs = references();
  const char* zones[] = {"Europe/Berlin", "America/New_York"};
  std::mt19937_64 rng(7);
  const Instant year_start = T("2026-01-01T00:00:00Z");
  for (std::size_t z = 0; z < refs.size(); ++z) {
    Calendar cal = reference_calendar(refs[z], zones[z]);
    for (int i = 0; i < 2000; ++i) {
      Instant from = year_start + static_cast<Instant>(rng() % (360 * 86400));
      std::int64_t s = static_cast<std::int64_t>(rng() % (5 * 86400));
      Instant t = cal.add_business_seconds(from, s);
      ASSERT_GE(t, from);
      ASSERT_EQ(cal.business_seconds(from, t), s) << format_rfc3339(from) << " + " << s;
      if (s > 0) ASSERT_EQ(cal.business_seconds(from, t - 1), s - 1) << "not the earliest instant";
    }
  }
}

}  // namespace
}  // namespace ordo
