// Helpers shared by the SLA clock tests (sla_clock_test.cc, sla_clock_property_test.cc):
// instants from RFC 3339, calendars and terms from JSON, timelines from a short spec.
// Test-only; failures to parse are reported as test failures.
#pragma once

#include <gtest/gtest.h>

#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "domain/sla_clock.h"

namespace ordo {

inline void PrintTo(ClockState s, std::ostream* os) { *os << to_string(s); }
inline void PrintTo(const Segment& s, std::ostream* os) {
  *os << "[" << format_rfc3339(s.from) << ", " << format_rfc3339(s.to) << ") " << to_string(s.state);
}

namespace sla_test {

constexpr std::int64_t kNo = std::numeric_limits<std::int64_t>::min();

inline Instant T(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t) << rfc3339;
  return t.value_or(0);
}

inline boost::json::object obj(std::string_view json) { return boost::json::parse(json).as_object(); }

inline Calendar make_calendar(std::string_view json) {
  auto c = Calendar::from_json(obj(json));
  EXPECT_TRUE(c) << json;
  return c ? std::move(*c) : Calendar::twenty_four_seven();
}

inline SlaTerms make_terms(std::string_view json) {
  auto t = SlaTerms::from_json(obj(json));
  EXPECT_TRUE(t) << json;
  return t ? std::move(*t) : SlaTerms{};
}

// "300 in_progress; 500 p P1; 600 reply" → facts at t0 + offset.
inline std::vector<TicketFact> facts(Instant t0, std::string_view spec) {
  std::vector<TicketFact> out;
  std::istringstream in{std::string(spec)};
  std::string item;
  while (std::getline(in, item, ';')) {
    std::istringstream words(item);
    std::int64_t offset = 0;
    std::string what, value;
    if (!(words >> offset >> what)) continue;
    if (what == "reply")
      out.push_back(TicketFact::public_reply(t0 + offset));
    else if (what == "p" && words >> value)
      out.push_back(TicketFact::priority(t0 + offset, value));
    else
      out.push_back(TicketFact::status(t0 + offset, what));
  }
  return out;
}

}  // namespace sla_test
}  // namespace ordo
