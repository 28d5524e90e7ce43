// group_sums on both backends: SQLite sums in C++ over streamed rows, PostgreSQL in SQL; the
// two must give the same rows in the same order.
#include "store/aggregate.h"

#include <gtest/gtest.h>

#include "store/store.h"
#include "test_db.h"

namespace ordo {
namespace {

class GroupSumsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto s = Store::open(ordo::testing::fresh_url(GetParam()));
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto r = store_->write([&](SqlConn& c) -> Result<bool> {
      ORDO_TRY(c.exec_script("CREATE TABLE t (g BIGINT, h TEXT, v BIGINT, w BIGINT)"));
      // g: 2, 1, NULL; h splits group 1; v has a NULL; w is the filter.
      const std::vector<std::vector<SqlValue>> rows{
          {std::int64_t{2}, std::string("a"), std::int64_t{5}, std::int64_t{1}},
          {std::int64_t{1}, std::string("b"), std::int64_t{7}, std::int64_t{1}},
          {std::int64_t{1}, std::string("a"), std::monostate{}, std::int64_t{1}},
          {std::int64_t{2}, std::string("a"), std::int64_t{3}, std::int64_t{1}},
          {std::monostate{}, std::string("a"), std::int64_t{11}, std::int64_t{1}},
          {std::int64_t{3}, std::string("a"), std::int64_t{100}, std::int64_t{0}},  // filtered out
      };
      for (const auto& row : rows) ORDO_TRY(c.exec("INSERT INTO t (g, h, v, w) VALUES (?, ?, ?, ?)", row));
      return true;
    });
    ASSERT_TRUE(r) << r.error().message;
  }
  void TearDown() override { store_->close(); }

  SqlRows sums(const std::vector<std::string>& keys, const std::vector<std::string>& exprs, const std::string& fw,
               const std::vector<SqlValue>& params) {
    auto r = store_->read([&](SqlConn& c) { return group_sums(c, keys, exprs, fw, params); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : SqlRows{};
  }

  std::unique_ptr<Store> store_;
};

SqlValue i(std::int64_t v) { return v; }

TEST_P(GroupSumsTest, GroupsSortedByKeyWithNullFirstAndNullSummedAsZero) {
  EXPECT_EQ(sums({"g"}, {"1", "v", "CASE WHEN v > ? THEN 1 ELSE 0 END"}, "FROM t WHERE w = ?", {i(4), i(1)}),
            (SqlRows{{SqlValue{}, i(1), i(11), i(1)}, {i(1), i(2), i(7), i(1)}, {i(2), i(2), i(8), i(1)}}));
}

TEST_P(GroupSumsTest, SeveralKeys) {
  EXPECT_EQ(sums({"g", "h"}, {"1"}, "FROM t WHERE w = 1 AND g IS NOT NULL", {}),
            (SqlRows{{i(1), SqlValue{std::string("a")}, i(1)},
                     {i(1), SqlValue{std::string("b")}, i(1)},
                     {i(2), SqlValue{std::string("a")}, i(2)}}));
}

TEST_P(GroupSumsTest, NoKeysIsOneRowOfTotalsEvenOverNoRows) {
  EXPECT_EQ(sums({}, {"1", "v"}, "FROM t WHERE w = 1", {}), (SqlRows{{i(5), i(26)}}));
  EXPECT_EQ(sums({}, {"1", "v"}, "FROM t WHERE w = 7", {}), (SqlRows{{i(0), i(0)}}));
  EXPECT_EQ(sums({"g"}, {"1"}, "FROM t WHERE w = 7", {}), SqlRows{});
}

TEST_P(GroupSumsTest, ReportsABadStatement) {
  auto r = store_->read([&](SqlConn& c) { return group_sums(c, {"nope"}, {"1"}, "FROM t", {}); });
  EXPECT_FALSE(r);
}

INSTANTIATE_TEST_SUITE_P(Db, GroupSumsTest, ::testing::ValuesIn(ordo::testing::backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo
