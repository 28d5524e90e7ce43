#include "store/sqlite/sqlite_conn.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>

#include "test_db.h"

namespace ordo {
namespace {

using ::testing::HasSubstr;

std::string fresh_path() {
  const std::string url = ordo::testing::fresh_sqlite_url();
  return url.substr(std::string("sqlite:").size());
}

class SqliteConnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fresh_path();
    conn_ = open(path_);
  }

  static std::unique_ptr<SqlConn> open(const std::string& path) {
    auto c = open_sqlite(path);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }

  SqlRows q(std::string_view sql, const std::vector<SqlValue>& params = {}) {
    auto r = conn_->query(sql, params);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : SqlRows{};
  }

  std::int64_t x(std::string_view sql, const std::vector<SqlValue>& params = {}) {
    auto r = conn_->exec(sql, params);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : -1;
  }

  std::string path_;
  std::unique_ptr<SqlConn> conn_;
};

TEST_F(SqliteConnTest, ReportsBackend) { EXPECT_EQ(conn_->backend(), SqlBackend::kSqlite); }

TEST_F(SqliteConnTest, OpensWithWalFullSyncForeignKeysAndBusyTimeout) {
  EXPECT_EQ(q("PRAGMA journal_mode"), (SqlRows{{SqlValue{std::string("wal")}}}));
  EXPECT_EQ(q("PRAGMA synchronous"), (SqlRows{{SqlValue{std::int64_t{2}}}}));  // 2 = FULL
  EXPECT_EQ(q("PRAGMA foreign_keys"), (SqlRows{{SqlValue{std::int64_t{1}}}}));
  EXPECT_EQ(q("PRAGMA busy_timeout"), (SqlRows{{SqlValue{std::int64_t{10000}}}}));
  EXPECT_TRUE(std::filesystem::exists(path_));
}

TEST_F(SqliteConnTest, RoundTripsEveryValueKind) {
  x("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)");
  const std::string text = "héllo ‽ 'quoted' ?";
  const std::string blob("a\0b\xff", 4);
  const std::vector<SqlValue> values = {
      SqlValue{std::numeric_limits<std::int64_t>::min()}, SqlValue{0.1}, SqlValue{text}, SqlValue{blob}, SqlValue{}};
  EXPECT_EQ(x("INSERT INTO t VALUES (?, ?, ?, CAST(? AS BLOB), ?)", values), 1);
  x("INSERT INTO t VALUES (?, ?, ?, ?, ?)", {SqlValue{std::numeric_limits<std::int64_t>::max()}, SqlValue{-1e300},
                                             SqlValue{std::string()}, SqlValue{std::string()}, SqlValue{}});

  const auto rows = q("SELECT i, d, s, b, n FROM t ORDER BY i");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], values);
  EXPECT_EQ(rows[1], (SqlRow{SqlValue{std::numeric_limits<std::int64_t>::max()}, SqlValue{-1e300},
                             SqlValue{std::string()}, SqlValue{std::string()}, SqlValue{}}));
}

TEST_F(SqliteConnTest, BlobParametersKeepEveryByte) {
  x("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  x("INSERT INTO t (b) VALUES (?)", {SqlBlob{bytes}});
  x("INSERT INTO t (b) VALUES (?)", {SqlBlob{std::string()}});
  EXPECT_EQ(q("SELECT b, typeof(b), length(b) FROM t ORDER BY id"),
            (SqlRows{{SqlValue{bytes}, SqlValue{std::string("blob")}, SqlValue{std::int64_t{256}}},
                     {SqlValue{std::string()}, SqlValue{std::string("blob")}, SqlValue{std::int64_t{0}}}}));
}

TEST_F(SqliteConnTest, NullsComeBackAsMonostate) {
  x("CREATE TABLE t (a INTEGER, b TEXT, c REAL)");
  x("INSERT INTO t VALUES (?, ?, ?)", {SqlValue{}, SqlValue{}, SqlValue{}});
  EXPECT_EQ(q("SELECT a, b, c, NULL FROM t"), (SqlRows{{SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}}}));
  EXPECT_EQ(q("SELECT count(*) FROM t WHERE a IS ?", {SqlValue{}}), (SqlRows{{SqlValue{std::int64_t{1}}}}));
}

TEST_F(SqliteConnTest, UniqueViolationIsConflictNamingTheColumn) {
  x("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE)");
  x("INSERT INTO users (id, email) VALUES (?, ?)", {SqlValue{1}, SqlValue{"a@x"}});

  auto dup = conn_->exec("INSERT INTO users (id, email) VALUES (?, ?)", {SqlValue{2}, SqlValue{"a@x"}});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(dup.error().message, HasSubstr("users.email"));

  auto pk = conn_->exec("INSERT INTO users (id, email) VALUES (?, ?)", {SqlValue{1}, SqlValue{"b@x"}});
  ASSERT_FALSE(pk);
  EXPECT_EQ(pk.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(pk.error().message, HasSubstr("users.id"));

  // The failed statement is reset: the same cached statement works right after.
  EXPECT_EQ(x("INSERT INTO users (id, email) VALUES (?, ?)", {SqlValue{2}, SqlValue{"b@x"}}), 1);
}

TEST_F(SqliteConnTest, OtherConstraintViolationsAreInternal) {
  x("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
  x("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id))");
  auto fk = conn_->exec("INSERT INTO child VALUES (1, 42)");  // foreign_keys=ON enforces it
  ASSERT_FALSE(fk);
  EXPECT_EQ(fk.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(fk.error().message, HasSubstr("FOREIGN KEY"));

  auto nn = conn_->exec("INSERT INTO child VALUES (1, ?)", {SqlValue{}});
  ASSERT_FALSE(nn);
  EXPECT_EQ(nn.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(nn.error().message, HasSubstr("NOT NULL"));
}

TEST_F(SqliteConnTest, SyntaxErrorIsInternalWithMessage) {
  auto r = conn_->query("SELEC 1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(r.error().message, HasSubstr("syntax error"));
  EXPECT_THAT(r.error().message, HasSubstr("SELEC 1"));

  auto missing = conn_->exec("DELETE FROM nowhere");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("no such table: nowhere"));
}

TEST_F(SqliteConnTest, WrongParameterCountIsAnError) {
  auto r = conn_->query("SELECT ?, ?", {SqlValue{1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(r.error().message, HasSubstr("2 parameters, got 1"));
}

TEST_F(SqliteConnTest, RefusesSeveralStatementsInExec) {
  x("CREATE TABLE t (a INTEGER)");
  auto r = conn_->exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("exec_script"));
  EXPECT_EQ(q("SELECT count(*) FROM t"), (SqlRows{{SqlValue{std::int64_t{0}}}}));
  // A trailing semicolon or comment is still one statement.
  EXPECT_EQ(x("INSERT INTO t VALUES (3); -- done"), 1);
}

TEST_F(SqliteConnTest, EmptyStatementIsAnError) {
  auto r = conn_->exec("  ");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
}

TEST_F(SqliteConnTest, ExecReturnsRowsChanged) {
  EXPECT_EQ(x("CREATE TABLE t (a INTEGER)"), 0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(x("INSERT INTO t VALUES (?)", {SqlValue{std::int64_t{i}}}), 1);
  EXPECT_EQ(x("UPDATE t SET a = a + 10"), 3);
  EXPECT_EQ(x("DELETE FROM t WHERE a > ?", {SqlValue{100}}), 0);
  // Not DML: must not echo the count of the UPDATE above.
  EXPECT_EQ(x("CREATE INDEX t_a ON t(a)"), 0);
  EXPECT_EQ(x("BEGIN"), 0);
  EXPECT_EQ(x("COMMIT"), 0);
  EXPECT_EQ(x("SELECT * FROM t"), 0);
  EXPECT_EQ(x("DELETE FROM t"), 3);
}

TEST_F(SqliteConnTest, SameSqlTwiceReusesTheCachedStatement) {
  x("CREATE TABLE t (a INTEGER, b TEXT)");
  const std::string insert = "INSERT INTO t VALUES (?, ?)";
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(x(insert, {SqlValue{std::int64_t{i}}, SqlValue{std::to_string(i)}}), 1);
  }
  const std::string select = "SELECT b FROM t WHERE a = ?";
  EXPECT_EQ(q(select, {SqlValue{7}}), (SqlRows{{SqlValue{std::string("7")}}}));
  EXPECT_EQ(q(select, {SqlValue{8}}), (SqlRows{{SqlValue{std::string("8")}}}));
  EXPECT_EQ(q("SELECT count(*) FROM t"), (SqlRows{{SqlValue{std::int64_t{100}}}}));
}

TEST_F(SqliteConnTest, StatementCacheIsBounded) {
  for (int i = 0; i < 600; ++i) {
    ASSERT_EQ(q("SELECT ? + " + std::to_string(i), {SqlValue{1}}), (SqlRows{{SqlValue{std::int64_t{1 + i}}}})) << i;
  }
  EXPECT_EQ(q("SELECT ? + 0", {SqlValue{5}}), (SqlRows{{SqlValue{std::int64_t{5}}}}));
}

// Regression: the column count was read before sqlite3_step re-prepared the statement.
TEST_F(SqliteConnTest, CachedStatementSeesSchemaChanges) {
  x("CREATE TABLE t (a INTEGER)");
  x("INSERT INTO t VALUES (1)");
  EXPECT_EQ(q("SELECT * FROM t"), (SqlRows{{SqlValue{std::int64_t{1}}}}));
  x("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'");
  EXPECT_EQ(q("SELECT * FROM t"), (SqlRows{{SqlValue{std::int64_t{1}}, SqlValue{std::string("x")}}}));
}

TEST_F(SqliteConnTest, FinishedQueryHoldsNoReadLock) {
  x("CREATE TABLE t (a INTEGER)");
  for (int i = 0; i < 10; ++i) x("INSERT INTO t VALUES (?)", {SqlValue{std::int64_t{i}}});
  EXPECT_EQ(q("SELECT a FROM t").size(), 10u);
  auto other = open(path_);
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->exec("INSERT INTO t VALUES (99)"));
  // A statement left un-reset would pin a WAL snapshot and make TRUNCATE report busy=1.
  auto ck = other->query("PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_TRUE(ck) << ck.error().message;
  EXPECT_EQ((*ck)[0][0], SqlValue{std::int64_t{0}});
}

TEST_F(SqliteConnTest, TransactionsCommitAndRollBack) {
  x("CREATE TABLE t (a INTEGER)");
  x("BEGIN");
  x("INSERT INTO t VALUES (1)");
  x("ROLLBACK");
  EXPECT_EQ(q("SELECT count(*) FROM t"), (SqlRows{{SqlValue{std::int64_t{0}}}}));
  x("BEGIN IMMEDIATE");
  x("INSERT INTO t VALUES (2)");
  x("COMMIT");
  EXPECT_EQ(q("SELECT a FROM t"), (SqlRows{{SqlValue{std::int64_t{2}}}}));
}

TEST_F(SqliteConnTest, ExecScriptRunsSeveralStatements) {
  ASSERT_TRUE(conn_->exec_script(
      "CREATE TABLE a (x INTEGER); CREATE TABLE b (y TEXT);\n"
      "INSERT INTO a VALUES (1); INSERT INTO b VALUES ('two');"));
  EXPECT_EQ(q("SELECT x, (SELECT y FROM b) FROM a"),
            (SqlRows{{SqlValue{std::int64_t{1}}, SqlValue{std::string("two")}}}));

  auto bad = conn_->exec_script("INSERT INTO a VALUES (3); INSERT INTO nowhere VALUES (4);");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(bad.error().message, HasSubstr("no such table: nowhere"));
}

TEST_F(SqliteConnTest, UniqueViolationInScriptIsConflict) {
  ASSERT_TRUE(conn_->exec_script("CREATE TABLE t (a INTEGER UNIQUE); INSERT INTO t VALUES (1);"));
  auto r = conn_->exec_script("INSERT INTO t VALUES (1);");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
}

TEST_F(SqliteConnTest, LockedDatabaseIsUnavailable) {
  x("CREATE TABLE t (a INTEGER)");
  auto other = open(path_);
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->exec("PRAGMA busy_timeout = 0"));  // fail at once instead of after 10 s
  x("BEGIN IMMEDIATE");
  auto r = other->exec("BEGIN IMMEDIATE");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable);
  x("ROLLBACK");
  EXPECT_TRUE(other->exec("BEGIN IMMEDIATE"));
  EXPECT_TRUE(other->exec("ROLLBACK"));
}

TEST_F(SqliteConnTest, CommittedDataSurvivesReopen) {
  x("CREATE TABLE t (a TEXT)");
  x("INSERT INTO t VALUES (?)", {SqlValue{"kept"}});
  conn_.reset();
  conn_ = open(path_);
  ASSERT_TRUE(conn_);
  EXPECT_EQ(q("SELECT a FROM t"), (SqlRows{{SqlValue{std::string("kept")}}}));
}

TEST(SqliteOpenTest, MissingFileWithoutCreateIsNotFound) {
  const std::string path = fresh_path();
  auto r = open_sqlite(path, /*create_if_missing=*/false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SqliteOpenTest, NotADatabaseIsAnError) {
  const std::string path = fresh_path();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_TRUE(f);
    std::fputs("this is not an sqlite database, just some text that is long enough to matter......", f);
    std::fclose(f);
  }
  auto r = open_sqlite(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(r.error().message, HasSubstr("not a database"));
}

TEST(SqliteOpenTest, InMemoryDatabaseWorks) {
  auto r = open_sqlite(":memory:");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE((*r)->exec_script("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);"));
}

}  // namespace
}  // namespace ordo
