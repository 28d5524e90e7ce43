#include "store/sqlite/subjournal_vfs.h"

#include <gtest/gtest.h>

#include <string>

#include "store/sqlite/sqlite_conn.h"
#include "test_db.h"

namespace ordo {
namespace {

// A table of 3000 rows of 400 bytes (~300 pages) and a copy to compare with: rewriting
// every row inside a savepoint journals every page, well past SQLite's 64 KiB in memory.
class SubjournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string url = ordo::testing::fresh_sqlite_url();
    auto c = open_sqlite(url.substr(std::string("sqlite:").size()));
    ASSERT_TRUE(c) << c.error().message;
    conn_ = std::move(*c);
    run("PRAGMA temp_store=FILE;"
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER NOT NULL UNIQUE, v BLOB NOT NULL);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
        "INSERT INTO t SELECT i, i, randomblob(400) FROM n;"
        "CREATE TABLE u AS SELECT * FROM t;");
  }
  void TearDown() override { set_subjournal_memory_limit(32u * 1024 * 1024); }

  void run(const std::string& sql) {
    auto r = conn_->exec_script(sql);
    ASSERT_TRUE(r) << r.error().message;
  }
  std::int64_t count(const std::string& sql) {
    auto r = conn_->query(sql);
    EXPECT_TRUE(r) << r.error().message;
    return r ? sql_int(r->at(0).at(0)) : -1;
  }
  std::string integrity() {
    auto r = conn_->query("PRAGMA integrity_check");
    EXPECT_TRUE(r) << r.error().message;
    return r ? sql_text(r->at(0).at(0)) : "";
  }
  std::int64_t unchanged() { return count("SELECT COUNT(*) FROM t JOIN u USING (id) WHERE t.k = u.k AND t.v = u.v"); }

  std::unique_ptr<SqlConn> conn_;
};

TEST_F(SubjournalTest, RollbackToASavepointRestoresEveryPageFromMemory) {
  ASSERT_NE(subjournal_vfs(), nullptr);
  const SubjournalStats before = subjournal_stats();
  run("BEGIN; SAVEPOINT a; UPDATE t SET v = randomblob(400);");
  EXPECT_EQ(unchanged(), 0);
  // A statement inside the savepoint that fails half-way is undone from the same journal.
  auto failed = conn_->exec("UPDATE t SET k = k + 1");  // collides with the next row's k
  EXPECT_FALSE(failed);
  EXPECT_EQ(count("SELECT COUNT(*) FROM t JOIN u USING (id) WHERE t.k = u.k"), 3000);
  run("ROLLBACK TO a; RELEASE a; COMMIT;");
  EXPECT_EQ(unchanged(), 3000);
  const SubjournalStats after = subjournal_stats();
  EXPECT_GT(after.opened, before.opened);
  EXPECT_EQ(after.spilled, before.spilled);
  EXPECT_EQ(integrity(), "ok");
}

TEST_F(SubjournalTest, AJournalPastTheLimitMovesToATempFileAndStillRollsBack) {
  set_subjournal_memory_limit(200 * 1024);  // ~50 pages: this journal is ~300
  const SubjournalStats before = subjournal_stats();
  run("BEGIN; SAVEPOINT a; UPDATE t SET v = randomblob(400);");
  EXPECT_FALSE(conn_->exec("UPDATE t SET k = k + 1"));
  run("SAVEPOINT b; DELETE FROM t WHERE id % 2 = 0; ROLLBACK TO b; RELEASE b;");
  EXPECT_EQ(count("SELECT COUNT(*) FROM t"), 3000);
  run("ROLLBACK TO a; RELEASE a; COMMIT;");
  EXPECT_EQ(unchanged(), 3000);
  EXPECT_GT(subjournal_stats().spilled, before.spilled);
  EXPECT_EQ(integrity(), "ok");
}

TEST_F(SubjournalTest, ReleasedWorkIsKept) {
  run("BEGIN; SAVEPOINT a; UPDATE t SET v = zeroblob(400) WHERE id <= 1500; RELEASE a; "
      "SAVEPOINT b; UPDATE t SET v = zeroblob(400); ROLLBACK TO b; RELEASE b; COMMIT;");
  EXPECT_EQ(count("SELECT COUNT(*) FROM t WHERE v = zeroblob(400)"), 1500);
  EXPECT_EQ(unchanged(), 1500);
  EXPECT_EQ(integrity(), "ok");
}

}  // namespace
}  // namespace ordo
