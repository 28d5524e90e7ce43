#include "domain/clock.h"

#include <gtest/gtest.h>

#include <chrono>

#include <date/date.h>

#include "domain/priority.h"

namespace ordo {
namespace {

TEST(Rfc3339, RoundTrips) {
  auto t = parse_rfc3339("2026-03-02T09:15:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 1772442900);
  EXPECT_EQ(format_rfc3339(*t), "2026-03-02T09:15:00Z");
}

TEST(Rfc3339, AcceptsOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("2026-03-02T10:15:00+01:00"), parse_rfc3339("2026-03-02T09:15:00Z"));
  EXPECT_EQ(parse_rfc3339("2026-03-02T09:15:00.750Z"), parse_rfc3339("2026-03-02T09:15:00Z"));
}

TEST(Rfc3339, RejectsGarbage) {
  for (const char* s : {"", "2026-03-02", "2026-03-02 09:15:00", "2026-13-02T09:15:00Z", "2026-03-02T09:15:00Zjunk",
                        "yesterday", "2026-03-02T25:00:00Z"})
    EXPECT_FALSE(parse_rfc3339(s)) << s;
}

TEST(Rfc3339, AgreesWithDateFormatAcrossTheCalendar) {
  // Every ~day-and-a-bit from 1900 to 2200 (leap years, month ends, century rules), checked
  // against date::format and back.
  for (Instant t = -2208988800; t < 7258118400; t += 86400 + 3607) {
    const date::sys_seconds tp{std::chrono::seconds{t}};
    const std::string expected = date::format("%Y-%m-%dT%H:%M:%SZ", tp);
    ASSERT_EQ(format_rfc3339(t), expected) << t;
    ASSERT_EQ(parse_rfc3339(expected), t) << expected;
  }
}

TEST(Rfc3339, RejectsImpossibleDatesAndBadOffsets) {
  for (const char* s : {"2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-03-02T09:60:00Z",
                        "2026-03-02T09:15:00+1:00", "2026-03-02T09:15:00+01:60", "2026-03-02T09:15:00.Z",
                        "2026-03-02T09:15:00", "2026-03-02T09:15:00+01:00:00", "2026-3-02T09:15:00Z00"})
    EXPECT_FALSE(parse_rfc3339(s)) << s;
  EXPECT_EQ(parse_rfc3339("2024-02-29T23:59:59-00:30"), parse_rfc3339("2024-03-01T00:29:59Z"));
  EXPECT_EQ(parse_rfc3339("2026-03-02t09:15:00.123456789z"), parse_rfc3339("2026-03-02T09:15:00Z"));
}

TEST(ManualClock, Advances) {
  ManualClock c(100);
  c.advance(5);
  EXPECT_EQ(c.now(), 105);
}

TEST(PriorityMatrix, DefaultMatrix) {
  EXPECT_EQ(priority_from_matrix(kDefaultPriorityMatrix, 1, 1), "P1");
  EXPECT_EQ(priority_from_matrix(kDefaultPriorityMatrix, 1, 3), "P3");
  EXPECT_EQ(priority_from_matrix(kDefaultPriorityMatrix, 2, 2), "P3");
  EXPECT_EQ(priority_from_matrix(kDefaultPriorityMatrix, 3, 1), "P3");
  EXPECT_EQ(priority_from_matrix(kDefaultPriorityMatrix, 3, 3), "P4");
  EXPECT_FALSE(priority_from_matrix(kDefaultPriorityMatrix, 0, 1));
  EXPECT_FALSE(priority_from_matrix(kDefaultPriorityMatrix, 1, 4));
}

}  // namespace
}  // namespace ordo
