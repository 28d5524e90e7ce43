#include "store/postgres/pg_conn.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#include "test_db.h"

namespace ordo {
namespace {

using ::testing::HasSubstr;

SqlValue i64(std::int64_t v) { return SqlValue{v}; }
SqlValue str(std::string v) { return SqlValue{std::move(v)}; }

std::string rewrite(std::string_view sql, int expected_count) {
  int n = -1;
  std::string out = rewrite_placeholders_for_test(sql, &n);
  EXPECT_EQ(n, expected_count) << sql;
  return out;
}

TEST(PgPlaceholderTest, RewritesOutsideLiteralsIdentifiersAndComments) {
  EXPECT_EQ(rewrite("SELECT ?, ? FROM t WHERE a = ?", 3), "SELECT $1, $2 FROM t WHERE a = $3");
  EXPECT_EQ(rewrite("SELECT 'a?b', ?", 1), "SELECT 'a?b', $1");
  EXPECT_EQ(rewrite("SELECT 'it''s?', ?", 1), "SELECT 'it''s?', $1");
  EXPECT_EQ(rewrite("SELECT E'\\'?', ?", 1), "SELECT E'\\'?', $1");
  EXPECT_EQ(rewrite("SELECT '\\', ?", 1), "SELECT '\\', $1");  // no escapes in standard strings
  EXPECT_EQ(rewrite("SELECT \"we?rd\"\"?\" FROM t WHERE x = ?", 1), "SELECT \"we?rd\"\"?\" FROM t WHERE x = $1");
  EXPECT_EQ(rewrite("SELECT ? -- why?\n, ?", 2), "SELECT $1 -- why?\n, $2");
  EXPECT_EQ(rewrite("SELECT /* a? /* nested? */ b? */ ?", 1), "SELECT /* a? /* nested? */ b? */ $1");
  EXPECT_EQ(rewrite("SELECT $$a?$$, $tag$ $$ ? $tag$, ?", 1), "SELECT $$a?$$, $tag$ $$ ? $tag$, $1");
  EXPECT_EQ(rewrite("SELECT a$b, ?", 1), "SELECT a$b, $1");
  EXPECT_EQ(rewrite("SELECT 'unterminated ?", 0), "SELECT 'unterminated ?");
  EXPECT_EQ(rewrite("", 0), "");
  std::string many = "VALUES (";
  for (int i = 0; i < 12; ++i) many += i ? ",?" : "?";
  EXPECT_THAT(rewrite(many + ")", 12), HasSubstr("$9,$10,$11,$12)"));
}

class PgConnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = ordo::testing::fresh_postgres_url();
    conn_ = open(url_);
    ASSERT_TRUE(conn_);
  }

  static std::unique_ptr<SqlConn> open(const std::string& url) {
    auto c = open_postgres(url);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }

  static SqlRows q(SqlConn& c, std::string_view sql, const std::vector<SqlValue>& params = {}) {
    auto r = c.query(sql, params);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : SqlRows{};
  }
  SqlRows q(std::string_view sql, const std::vector<SqlValue>& params = {}) { return q(*conn_, sql, params); }

  std::int64_t x(std::string_view sql, const std::vector<SqlValue>& params = {}) {
    auto r = conn_->exec(sql, params);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : -1;
  }

  std::int64_t count(std::string_view table) {
    auto rows = q("SELECT count(*) FROM " + std::string(table));
    return rows.empty() ? -1 : std::get<std::int64_t>(rows[0][0]);
  }

  std::string url_;
  std::unique_ptr<SqlConn> conn_;
};

TEST_F(PgConnTest, ReportsBackend) { EXPECT_EQ(conn_->backend(), SqlBackend::kPostgres); }

TEST_F(PgConnTest, RoundTripsEveryValueKind) {
  x("CREATE TABLE t (id serial, i bigint, d double precision, s text, n integer)");
  const std::string text = "héllo ‽ 'quoted' ? $1 \\ \"";
  const std::vector<SqlValue> values = {i64(std::numeric_limits<std::int64_t>::min()), SqlValue{0.1}, str(text),
                                        SqlValue{}};
  EXPECT_EQ(x("INSERT INTO t (i, d, s, n) VALUES (?, ?, ?, ?)", values), 1);
  x("INSERT INTO t (i, d, s, n) VALUES (?, ?, ?, ?)",
    {i64(std::numeric_limits<std::int64_t>::max()), SqlValue{-1e300}, str(""), i64(-7)});

  const auto rows = q("SELECT i, d, s, n FROM t ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], values);
  EXPECT_EQ(rows[1], (SqlRow{i64(std::numeric_limits<std::int64_t>::max()), SqlValue{-1e300}, str(""), i64(-7)}));
}

TEST_F(PgConnTest, BlobParametersKeepEveryByteAsBytea) {
  x("CREATE TABLE t (id serial, b bytea)");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  x("INSERT INTO t (b) VALUES (?)", {SqlBlob{bytes}});
  x("INSERT INTO t (b) VALUES (?)", {SqlBlob{std::string()}});
  EXPECT_EQ(q("SELECT b, length(b) FROM t ORDER BY id"),
            (SqlRows{{str(bytes), i64(256)}, {str(""), i64(0)}}));
}

TEST_F(PgConnTest, MapsColumnTypes) {
  const auto rows = q(
      "SELECT 1::int2, 2::int4, 3::int8, 4::oid, true, false, 1.5::float4, 2.25::float8, 12.125::numeric,"
      " 'x'::text, 'y'::varchar, '2026-03-02T09:15:00Z'::timestamptz, '{\"a\":1}'::jsonb, '\\x0102'::bytea,"
      " 'c2d1e5a6-5f0e-4a8e-9d6f-0d1c2b3a4f5e'::uuid");
  ASSERT_EQ(rows.size(), 1u);
  const SqlRow& r = rows[0];
  ASSERT_EQ(r.size(), 15u);
  EXPECT_EQ(r[0], i64(1));
  EXPECT_EQ(r[1], i64(2));
  EXPECT_EQ(r[2], i64(3));
  EXPECT_EQ(r[3], i64(4));
  EXPECT_EQ(r[4], i64(1));
  EXPECT_EQ(r[5], i64(0));
  EXPECT_EQ(r[6], SqlValue{1.5});
  EXPECT_EQ(r[7], SqlValue{2.25});
  EXPECT_EQ(r[8], SqlValue{12.125});
  EXPECT_EQ(r[9], str("x"));
  EXPECT_EQ(r[10], str("y"));
  ASSERT_TRUE(std::holds_alternative<std::string>(r[11]));  // text in the session's TimeZone
  EXPECT_EQ(r[12], str("{\"a\": 1}"));
  EXPECT_EQ(r[13], str(std::string("\x01\x02", 2)));  // bytea: the bytes, as SQLite gives a BLOB
  EXPECT_EQ(r[14], str("c2d1e5a6-5f0e-4a8e-9d6f-0d1c2b3a4f5e"));
}

TEST_F(PgConnTest, DoublesKeepFullPrecision) {
  x("CREATE TABLE t (id serial, d double precision)");
  const std::vector<double> ds = {0.1,  1.0 / 3.0, 3.141592653589793, 1e300, -2.5e-310, 123456789.123456789,
                                  -0.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  for (double d : ds) x("INSERT INTO t (d) VALUES (?)", {SqlValue{d}});
  x("INSERT INTO t (d) VALUES (?)", {SqlValue{std::nan("")}});
  const auto rows = q("SELECT d FROM t ORDER BY id");
  ASSERT_EQ(rows.size(), ds.size() + 1);
  for (std::size_t i = 0; i < ds.size(); ++i) {
    ASSERT_TRUE(std::holds_alternative<double>(rows[i][0]));
    EXPECT_EQ(std::get<double>(rows[i][0]), ds[i]) << i;
  }
  EXPECT_TRUE(std::isnan(std::get<double>(rows.back()[0])));
}

TEST_F(PgConnTest, BooleanColumnsTakeIntegers) {
  x("CREATE TABLE t (id int, b boolean)");
  x("INSERT INTO t VALUES (?, ?), (?, ?)", {i64(1), i64(1), i64(2), i64(0)});
  EXPECT_EQ(q("SELECT b FROM t ORDER BY id"), (SqlRows{{i64(1)}, {i64(0)}}));
  EXPECT_EQ(q("SELECT id FROM t WHERE b = ?", {i64(1)}), (SqlRows{{i64(1)}}));
}

TEST_F(PgConnTest, NullsComeBackAsMonostate) {
  x("CREATE TABLE t (a bigint, b text, c double precision, d boolean)");
  x("INSERT INTO t VALUES (?, ?, ?, ?)", {SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}});
  EXPECT_EQ(q("SELECT a, b, c, d, NULL FROM t"), (SqlRows{{SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}}}));
  EXPECT_EQ(q("SELECT count(*) FROM t WHERE a IS NOT DISTINCT FROM ?::bigint", {SqlValue{}}), (SqlRows{{i64(1)}}));
}

TEST_F(PgConnTest, UniqueViolationIsConflictNamingTheConstraint) {
  x("CREATE TABLE users (id bigint PRIMARY KEY, email text CONSTRAINT users_email_key UNIQUE)");
  x("INSERT INTO users VALUES (?, ?)", {i64(1), str("a@x")});

  auto dup = conn_->exec("INSERT INTO users VALUES (?, ?)", {i64(2), str("a@x")});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(dup.error().message, HasSubstr("users_email_key"));

  auto pk = conn_->exec("INSERT INTO users VALUES (?, ?)", {i64(1), str("b@x")});
  ASSERT_FALSE(pk);
  EXPECT_EQ(pk.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(pk.error().message, HasSubstr("users_pkey"));

  EXPECT_EQ(x("INSERT INTO users VALUES (?, ?)", {i64(2), str("b@x")}), 1);
}

TEST_F(PgConnTest, OtherErrorsAreInternalWithTheServerMessage) {
  auto syntax = conn_->query("SELEC 1");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(syntax.error().message, HasSubstr("syntax error"));
  EXPECT_THAT(syntax.error().message, HasSubstr("SELEC 1"));

  x("CREATE TABLE t (a int NOT NULL)");
  auto nn = conn_->exec("INSERT INTO t VALUES (?)", {SqlValue{}});
  ASSERT_FALSE(nn);
  EXPECT_EQ(nn.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(nn.error().message, HasSubstr("23502"));

  // The failed statements did not break the connection.
  EXPECT_EQ(q("SELECT 1"), (SqlRows{{i64(1)}}));
}

TEST_F(PgConnTest, WrongParameterCountIsAnError) {
  auto r = conn_->query("SELECT ?::int, ?::int", {i64(1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(r.error().message, HasSubstr("2 parameters, got 1"));
}

TEST_F(PgConnTest, QuestionMarksInLiteralsAreNotPlaceholders) {
  x("CREATE TABLE \"odd?name\" (\"col?\" text, n bigint)");
  EXPECT_EQ(x("INSERT INTO \"odd?name\" (\"col?\", n) VALUES ('what?', ?), (E'it\\'s?', ?), ($$why?$$, ?)",
              {i64(1), i64(2), i64(3)}),
            3);
  EXPECT_EQ(q("SELECT \"col?\", n FROM \"odd?name\" WHERE n >= ? /* any? */ ORDER BY n -- really?",
              {i64(1)}),
            (SqlRows{{str("what?"), i64(1)}, {str("it's?"), i64(2)}, {str("why?"), i64(3)}}));
  EXPECT_EQ(q("SELECT ?::text || '?'", {str("a")}), (SqlRows{{str("a?")}}));
}

TEST_F(PgConnTest, SameSqlTwiceIsPreparedOnce) {
  x("CREATE TABLE t (a bigint, b text)");
  const std::string insert = "INSERT INTO t VALUES (?, ?)";
  for (int i = 0; i < 100; ++i) ASSERT_EQ(x(insert, {i64(i), str(std::to_string(i))}), 1);
  const std::string select = "SELECT b FROM t WHERE a = ?";
  EXPECT_EQ(q(select, {i64(7)}), (SqlRows{{str("7")}}));
  EXPECT_EQ(q(select, {i64(8)}), (SqlRows{{str("8")}}));
  const auto prepared = q("SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO t%'");
  EXPECT_EQ(prepared, (SqlRows{{str("INSERT INTO t VALUES ($1, $2)")}}));
  EXPECT_EQ(q("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT b FROM t WHERE a = $1'"),
            (SqlRows{{i64(1)}}));
}

TEST_F(PgConnTest, StatementCacheIsBounded) {
  for (int i = 0; i < 600; ++i) {
    ASSERT_EQ(q("SELECT ?::int + " + std::to_string(i), {i64(1)}), (SqlRows{{i64(1 + i)}})) << i;
  }
  const auto n = q("SELECT count(*) FROM pg_prepared_statements");
  ASSERT_EQ(n.size(), 1u);
  EXPECT_LE(std::get<std::int64_t>(n[0][0]), 513);
  EXPECT_EQ(q("SELECT ?::int + 0", {i64(5)}), (SqlRows{{i64(5)}}));
}

TEST_F(PgConnTest, CachedStatementSurvivesSchemaChange) {
  x("CREATE TABLE t (a bigint)");
  x("INSERT INTO t VALUES (1)");
  EXPECT_EQ(q("SELECT * FROM t"), (SqlRows{{i64(1)}}));
  x("ALTER TABLE t ADD COLUMN b text DEFAULT 'x'");
  // "cached plan must not change result type": re-prepared transparently outside a transaction.
  EXPECT_EQ(q("SELECT * FROM t"), (SqlRows{{i64(1), str("x")}}));
}

TEST_F(PgConnTest, ExecReturnsRowsChanged) {
  EXPECT_EQ(x("CREATE TABLE t (a bigint)"), 0);
  EXPECT_EQ(x("INSERT INTO t VALUES (1), (2), (3)"), 3);
  EXPECT_EQ(x("UPDATE t SET a = a + 10"), 3);
  EXPECT_EQ(x("DELETE FROM t WHERE a > ?", {i64(100)}), 0);
  EXPECT_EQ(x("BEGIN"), 0);
  EXPECT_EQ(x("COMMIT"), 0);
  EXPECT_EQ(x("DELETE FROM t WHERE a = ?", {i64(11)}), 1);
}

TEST_F(PgConnTest, TransactionsCommitAndRollBack) {
  x("CREATE TABLE t (a bigint)");
  x("BEGIN");
  x("INSERT INTO t VALUES (1)");
  x("ROLLBACK");
  EXPECT_EQ(count("t"), 0);
  x("BEGIN");
  x("INSERT INTO t VALUES (2)");
  x("COMMIT");
  EXPECT_EQ(q("SELECT a FROM t"), (SqlRows{{i64(2)}}));
}

TEST_F(PgConnTest, ErrorInsideTransactionNeedsRollback) {
  x("CREATE TABLE t (a bigint UNIQUE)");
  x("BEGIN");
  x("INSERT INTO t VALUES (1)");
  auto dup = conn_->exec("INSERT INTO t VALUES (1)");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  auto aborted = conn_->query("SELECT 1");
  ASSERT_FALSE(aborted);
  EXPECT_THAT(aborted.error().message, HasSubstr("25P02"));
  x("ROLLBACK");
  EXPECT_EQ(count("t"), 0);
}

TEST_F(PgConnTest, SerializationFailureIsUnavailable) {
  x("CREATE TABLE t (id int PRIMARY KEY, v int)");
  x("INSERT INTO t VALUES (1, 0)");
  auto other = open(url_);
  ASSERT_TRUE(other);
  x("BEGIN ISOLATION LEVEL REPEATABLE READ");
  EXPECT_EQ(q("SELECT v FROM t WHERE id = 1"), (SqlRows{{i64(0)}}));
  ASSERT_TRUE(other->exec("UPDATE t SET v = 1 WHERE id = 1"));
  auto r = conn_->exec("UPDATE t SET v = 2 WHERE id = 1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable);
  x("ROLLBACK");
}

TEST_F(PgConnTest, ExecScriptRunsSeveralStatements) {
  ASSERT_TRUE(conn_->exec_script(
      "CREATE TABLE a (x bigint); CREATE TABLE b (y text);\n"
      "INSERT INTO a VALUES (1); INSERT INTO b VALUES ('two?');"));
  EXPECT_EQ(q("SELECT x, (SELECT y FROM b) FROM a"), (SqlRows{{i64(1), str("two?")}}));

  auto bad = conn_->exec_script("INSERT INTO a VALUES (3); INSERT INTO nowhere VALUES (4);");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInternal);
  EXPECT_THAT(bad.error().message, HasSubstr("\"nowhere\" does not exist"));
  EXPECT_EQ(count("a"), 1);  // the script ran as one implicit transaction

  ASSERT_TRUE(conn_->exec_script("CREATE UNIQUE INDEX a_x ON a (x)"));
  auto dup = conn_->exec_script("INSERT INTO a VALUES (1)");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(dup.error().message, HasSubstr("a_x"));
}

TEST_F(PgConnTest, NoticesAreQuiet) {
  EXPECT_EQ(q("SHOW client_min_messages"), (SqlRows{{str("warning")}}));
  ::testing::internal::CaptureStderr();
  EXPECT_TRUE(conn_->exec_script("DROP TABLE IF EXISTS not_there"));  // NOTICE
  EXPECT_TRUE(conn_->exec("COMMIT"));                                  // WARNING: no transaction
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

// Kills the connection's server process from another session.
void kill_backend(SqlConn& victim, SqlConn& killer) {
  auto pid = victim.query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid) << pid.error().message;
  auto killed = killer.query("SELECT pg_terminate_backend(?::int, 5000)", {(*pid)[0][0]});
  ASSERT_TRUE(killed) << killed.error().message;
  ASSERT_EQ((*killed)[0][0], i64(1));
}

TEST_F(PgConnTest, LostConnectionIsUnavailableThenReconnects) {
  x("CREATE TABLE t (a bigint)");
  x("INSERT INTO t VALUES (?)", {i64(1)});
  auto killer = open(url_);
  ASSERT_TRUE(killer);
  kill_backend(*conn_, *killer);

  auto lost = conn_->query("SELECT a FROM t");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().kind, ErrorKind::kUnavailable) << lost.error().message;
  // Next call: PQreset, a fresh session, statements prepared again.
  EXPECT_EQ(q("SELECT a FROM t"), (SqlRows{{i64(1)}}));
  EXPECT_EQ(x("INSERT INTO t VALUES (?)", {i64(2)}), 1);
  EXPECT_EQ(q("SHOW client_min_messages"), (SqlRows{{str("warning")}}));
}

TEST_F(PgConnTest, ConnectionLostInTransactionNeverContinuesInAutocommit) {
  x("CREATE TABLE t (a bigint)");
  auto killer = open(url_);
  ASSERT_TRUE(killer);
  x("BEGIN");
  x("INSERT INTO t VALUES (1)");
  kill_backend(*conn_, *killer);

  auto lost = conn_->exec("INSERT INTO t VALUES (2)");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().kind, ErrorKind::kUnavailable);
  auto again = conn_->exec("INSERT INTO t VALUES (3)");  // still the caller's (dead) transaction
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kUnavailable);
  EXPECT_THAT(again.error().message, HasSubstr("ROLLBACK first"));
  EXPECT_EQ(x("ROLLBACK"), 0);
  EXPECT_EQ(count("t"), 0);
  EXPECT_EQ(x("INSERT INTO t VALUES (4)"), 1);
  EXPECT_EQ(q("SELECT a FROM t"), (SqlRows{{i64(4)}}));
}

TEST_F(PgConnTest, CommitAfterLostConnectionFails) {
  x("CREATE TABLE t (a bigint)");
  auto killer = open(url_);
  ASSERT_TRUE(killer);
  x("BEGIN");
  x("INSERT INTO t VALUES (1)");
  kill_backend(*conn_, *killer);
  auto lost = conn_->exec("INSERT INTO t VALUES (2)");
  ASSERT_FALSE(lost);
  auto commit = conn_->exec("COMMIT");
  ASSERT_FALSE(commit);
  EXPECT_EQ(commit.error().kind, ErrorKind::kUnavailable);
  x("BEGIN");  // a new transaction may start without a ROLLBACK
  x("INSERT INTO t VALUES (3)");
  x("COMMIT");
  EXPECT_EQ(q("SELECT a FROM t"), (SqlRows{{i64(3)}}));
}

TEST(PgOpenTest, BadUrlIsInvalid) {
  auto r = open_postgres("postgresql://[::1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
}

TEST(PgOpenTest, UnreachableServerIsUnavailable) {
  auto r = open_postgres("postgresql://ordo@127.0.0.1:1/postgres?connect_timeout=2");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable);
  EXPECT_THAT(r.error().message, HasSubstr("127.0.0.1"));
}

TEST(PgTestDbTest, FreshPostgresUrlsAreDistinctEmptyDatabases) {
  const std::string a = ordo::testing::fresh_postgres_url();
  const std::string b = ordo::testing::fresh_url("postgres");
  EXPECT_NE(a, b);
  auto conn = open_postgres(a);
  ASSERT_TRUE(conn) << conn.error().message;
  auto db = (*conn)->query("SELECT current_database()");
  ASSERT_TRUE(db);
  EXPECT_THAT(std::get<std::string>((*db)[0][0]), ::testing::StartsWith("t_"));
  EXPECT_THAT(a, ::testing::EndsWith("/" + std::get<std::string>((*db)[0][0])));
  EXPECT_EQ(ordo::testing::backends(), (std::vector<std::string>{"sqlite", "postgres"}));
  EXPECT_THAT(ordo::testing::fresh_url("sqlite"), ::testing::StartsWith("sqlite:/"));
  EXPECT_THROW(ordo::testing::fresh_url("oracle"), std::invalid_argument);
}

TEST(PgTestDbTest, UrlDatabaseIsReplaced) {
  using ordo::testing::with_database_for_test;
  EXPECT_EQ(with_database_for_test("postgresql://ordo@127.0.0.1:5/postgres", "t_1"), "postgresql://ordo@127.0.0.1:5/t_1");
  EXPECT_EQ(with_database_for_test("postgresql://ordo@h:5/postgres?sslmode=disable", "t_1"),
            "postgresql://ordo@h:5/t_1?sslmode=disable");
  EXPECT_EQ(with_database_for_test("postgresql://h", "t_1"), "postgresql://h/t_1");
  EXPECT_EQ(with_database_for_test("postgresql://h?x=1", "t_1"), "postgresql://h/t_1?x=1");
  EXPECT_EQ(with_database_for_test("host=h port=5", "t_1"), "host=h port=5 dbname=t_1");
}

TEST(PgTestDbTest, MissingUrlFailsInsteadOfSkipping) {
  const char* saved = std::getenv("ORDO_TEST_PG_URL");
  const std::string keep = saved ? saved : "";
  ::unsetenv("ORDO_TEST_PG_URL");
  try {
    ordo::testing::fresh_postgres_url();
    ADD_FAILURE() << "fresh_postgres_url() returned without ORDO_TEST_PG_URL";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("ORDO_TEST_PG_URL is not set: run tests through tools/with-postgres.sh"));
  }
  if (saved) ::setenv("ORDO_TEST_PG_URL", keep.c_str(), 1);
}

}  // namespace
}  // namespace ordo
