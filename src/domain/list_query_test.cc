#include "domain/list_query.h"

#include <gtest/gtest.h>

#include "domain/clock.h"
#include "domain/registry.h"

namespace ordo {
namespace {

TEST(ListQuery, ParsesFiltersSortAndLimit) {
  auto q = parse_list_query(incident_type(), {{"status", "new"},
                                              {"priority.in", "P1,P2"},
                                              {"created_at.gte", "2026-03-01T00:00:00Z"},
                                              {"title.like", "mail"},
                                              {"sort", "-created_at"},
                                              {"limit", "10"},
                                              {"count", "true"}});
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->filters.size(), 4u);
  EXPECT_EQ(q->filters[1].op, FilterOp::kIn);
  EXPECT_EQ(q->filters[1].values.size(), 2u);
  EXPECT_EQ(std::get<std::int64_t>(q->filters[2].values[0]), *parse_rfc3339("2026-03-01T00:00:00Z"));
  EXPECT_EQ(q->sort_column, "created_at");
  EXPECT_TRUE(q->descending);
  EXPECT_EQ(q->limit, 10);
  EXPECT_TRUE(q->count);
}

TEST(ListQuery, RejectsBadInput) {
  for (auto params : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"limit", "0"}}, {{"limit", "501"}}, {{"limit", "x"}}, {{"sort", "description"}},
           {{"nosuch", "1"}}, {{"impact.between", "1"}}, {{"impact", "high"}}, {{"priority", "P9"}},
           {{"impact.like", "1"}}, {{"cursor", "garbage!"}}, {{"count", "yes"}},
           {{"created_at.lt", "tomorrow"}}}) {
    auto q = parse_list_query(incident_type(), params);
    EXPECT_FALSE(q) << params[0].first << "=" << params[0].second;
    if (!q) {
      EXPECT_EQ(q.error().kind, ErrorKind::kInvalid);
      EXPECT_FALSE(q.error().fields.empty());
    }
  }
}

TEST(ListQuery, NullMeansAbsent) {
  auto q = parse_list_query(incident_type(), {{"resolved_at", "null"}});
  ASSERT_TRUE(q);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(q->filters[0].values[0]));
}

TEST(Cursor, RoundTripsAndRejectsTampering) {
  Cursor c{QueryValue{std::string("P1")}, 42};
  auto s = encode_cursor(c);
  auto d = decode_cursor(s);
  ASSERT_TRUE(d);
  EXPECT_EQ(std::get<std::string>(d->value), "P1");
  EXPECT_EQ(d->id, 42);
  EXPECT_FALSE(decode_cursor("!!"));
  EXPECT_FALSE(decode_cursor(s.substr(0, s.size() / 2)));
  auto q = parse_list_query(incident_type(), {{"sort", "created_at"}, {"cursor", s}});
  EXPECT_FALSE(q) << "a text cursor cannot page a timestamp sort";
}

}  // namespace
}  // namespace ordo
