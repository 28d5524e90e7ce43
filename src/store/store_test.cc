// The generic engine against both backends: schema, insert/find/update, lists, FTS,
// group commit, the event chain. Same tests on SQLite and PostgreSQL.
#include "store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "domain/registry.h"
#include "domain/validation.h"
#include "store/event_log.h"
#include "store/record_store.h"
#include "store/schema.h"
#include "test_db.h"

namespace ordo {
namespace {

namespace json = boost::json;

constexpr Instant kT0 = 1772442900;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto s = Store::open(ordo::testing::fresh_url(GetParam()), &stats_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto r = store_->write([&](SqlConn& c) -> Result<bool> {
      ORDO_TRY(ensure_schema(c, default_registry()));
      return true;
    });
    ASSERT_TRUE(r) << r.error().message;
  }
  void TearDown() override {
    if (store_) store_->close();
  }

  json::object insert(const std::string& title, int impact, Instant at = kT0) {
    const RecordType& t = *default_registry().by_name("incident");
    auto ch = validate_create(t, json::object{{"title", title}, {"impact", impact}, {"urgency", 2}}, at);
    EXPECT_TRUE(ch);
    auto rec = store_->write([&](SqlConn& c) -> Result<json::object> {
      ORDO_ASSIGN(auto r, insert_record(c, t, *ch, at, 1));
      ORDO_TRY(append_event(c, {at, 1, "admin", "incident", r.at("id").as_int64(), "create", {{"title", title}}}));
      return r;
    });
    EXPECT_TRUE(rec) << rec.error().message;
    return rec ? *rec : json::object{};
  }

  json::object list(std::vector<std::pair<std::string, std::string>> params) {
    const RecordType& t = *default_registry().by_name("incident");
    auto q = parse_list_query(t, params);
    EXPECT_TRUE(q) << q.error().message;
    auto r = store_->read([&](SqlConn& c) { return list_records(c, t, *q); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : json::object{};
  }

  // Runs `cmds` as one group commit, in order: the writer holds a first command until all
  // of them are queued behind it. Returns each one's outcome ("ok" or its error message).
  using Cmd = std::function<Result<bool>(SqlConn&)>;
  std::vector<std::string> run_in_one_group(const std::vector<Cmd>& cmds) {
    const std::uint64_t batches_before = stats_.batches.load();
    const auto n = static_cast<std::int64_t>(cmds.size());
    std::atomic<bool> holding{false};
    std::thread holder([&] {
      auto r = store_->write([&](SqlConn&) -> Result<bool> {
        holding = true;
        while (stats_.write_queue.load() < n) std::this_thread::yield();
        return true;
      });
      EXPECT_TRUE(r);
    });
    while (!holding) std::this_thread::yield();
    std::vector<std::thread> threads;
    std::vector<std::string> outcome(cmds.size());
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      threads.emplace_back([&, i] {
        auto r = store_->write(cmds[i]);
        outcome[i] = r ? "ok" : r.error().message;
      });
      // Queued before the next one starts (the last releases the holder: the writer takes
      // them at once, and the queue may be empty again before this thread looks).
      while (static_cast<std::int64_t>(i + 1) < n && stats_.write_queue.load() < static_cast<std::int64_t>(i + 1))
        std::this_thread::yield();
    }
    holder.join();
    for (auto& th : threads) th.join();
    EXPECT_EQ(stats_.batches.load() - batches_before, 2u) << "the holder, then the commands together";
    return outcome;
  }

  StoreStats stats_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, SchemaIsIdempotentAndDetected) {
  auto again = store_->write([&](SqlConn& c) -> Result<bool> {
    ORDO_TRY(ensure_schema(c, default_registry()));
    return schema_exists(c);
  });
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(*again);
}

// The reports' covering indexes (record_type.h CoveringIndex) exist after the schema, are
// dropped by a bulk load (which builds them once at its end) and come back with it.
TEST_P(StoreTest, CoveringIndexesAreBuiltAndRebuiltAfterABulkLoad) {
  const RecordType& t = *default_registry().by_name("incident");
  ASSERT_EQ(t.covering_indexes.size(), 4u);
  auto present = [&]() {
    auto r = store_->read([&](SqlConn& c) -> Result<std::set<std::string>> {
      std::set<std::string> out;
      for (const auto& ci : t.covering_indexes) {
        const std::string name = covering_index_name(t, ci);
        ORDO_ASSIGN(auto rows, c.backend() == SqlBackend::kSqlite
                                   ? c.query("SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?", {name})
                                   : c.query("SELECT indexname FROM pg_indexes WHERE indexname = ?", {name}));
        if (!rows.empty()) out.insert(ci.name);
      }
      return out;
    });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::set<std::string>{};
  };
  EXPECT_EQ(present(), (std::set<std::string>{"sla_report", "ticket_kpi", "trend_service", "trend_item"}));
  ASSERT_TRUE(store_->write([&](SqlConn& c) { return begin_bulk_load(c, t); }));
  EXPECT_EQ(present(), std::set<std::string>{});
  ASSERT_TRUE(store_->write([&](SqlConn& c) { return finish_bulk_load(c, t); }));
  EXPECT_EQ(present(), (std::set<std::string>{"sla_report", "ticket_kpi", "trend_service", "trend_item"}));
}

TEST_P(StoreTest, InsertNumbersAndFinds) {
  auto a = insert("Mail is down", 1);
  auto b = insert("Printer jam", 3);
  EXPECT_EQ(a.at("number"), "INC-000001");
  EXPECT_EQ(b.at("number"), "INC-000002");
  EXPECT_EQ(a.at("status"), "new");
  EXPECT_EQ(a.at("priority"), "P2");
  EXPECT_EQ(a.at("version"), 1);
  EXPECT_EQ(a.at("created_at"), "2026-03-02T09:15:00Z");
  const RecordType& t = *default_registry().by_name("incident");
  auto found = store_->read([&](SqlConn& c) { return find_record(c, t, a.at("id").as_int64()); });
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((**found).at("title"), "Mail is down");
  auto missing = store_->read([&](SqlConn& c) { return find_record(c, t, 999); });
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, UpdateChecksVersion) {
  auto a = insert("Mail is down", 1);
  const RecordType& t = *default_registry().by_name("incident");
  std::int64_t id = a.at("id").as_int64();
  auto ch = validate_patch(t, declared_values(t, a), json::object{{"urgency", 1}});
  ASSERT_TRUE(ch);
  ch->status = "new";
  auto ok = store_->write([&](SqlConn& c) { return update_record(c, t, id, 1, *ch, kT0 + 5); });
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->at("version"), 2);
  EXPECT_EQ(ok->at("priority"), "P1");
  EXPECT_EQ(ok->at("updated_at"), "2026-03-02T09:15:05Z");
  auto stale = store_->write([&](SqlConn& c) { return update_record(c, t, id, 1, *ch, kT0 + 6); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, ErrorKind::kPreconditionFailed);
  auto gone = store_->write([&](SqlConn& c) { return update_record(c, t, 4242, 1, *ch, kT0 + 6); });
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::kNotFound);
}

TEST_P(StoreTest, ListsFilterSortAndPageWithoutGapsOrRepeats) {
  for (int i = 0; i < 23; ++i) insert("Ticket " + std::to_string(i), 1 + i % 3, kT0 + (i % 5) * 60);
  auto all = list({{"count", "true"}, {"limit", "500"}});
  EXPECT_EQ(all.at("total"), 23);
  EXPECT_EQ(all.at("items").as_array().size(), 23u);
  EXPECT_TRUE(all.at("next_cursor").is_null());
  // Page by a sort with ties (created_at has 5 distinct values) in both directions.
  for (std::string sort : {"created_at", "-created_at", "priority", "-priority", "number", "-id"}) {
    std::set<std::int64_t> seen;
    std::string cursor;
    std::string prev;
    int pages = 0;
    do {
      std::vector<std::pair<std::string, std::string>> p{{"sort", sort}, {"limit", "4"}};
      if (!cursor.empty()) p.emplace_back("cursor", cursor);
      auto page = list(p);
      for (const auto& item : page.at("items").as_array()) {
        EXPECT_TRUE(seen.insert(item.at("id").as_int64()).second) << sort << ": repeated id";
      }
      cursor = page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
      ++pages;
    } while (!cursor.empty() && pages < 50);
    EXPECT_EQ(seen.size(), 23u) << sort;
  }
  auto p1 = list({{"priority", "P2"}, {"count", "true"}});
  for (const auto& item : p1.at("items").as_array()) EXPECT_EQ(item.at("priority"), "P2");
  auto in = list({{"impact.in", "1,3"}, {"count", "true"}});
  EXPECT_EQ(in.at("total").as_int64() + list({{"impact", "2"}, {"count", "true"}}).at("total").as_int64(), 23);
  auto after = list({{"created_at.gte", "2026-03-02T09:18:00Z"}, {"count", "true"}});
  EXPECT_EQ(after.at("total"), 8);  // i % 5 in {3,4}: 5 + 4 (i<23 → 3,8,13,18 and 4,9,14,19) = 8
  auto nulls = list({{"resolved_at", "null"}, {"count", "true"}});
  EXPECT_EQ(nulls.at("total"), 23);
  auto like = list({{"title.like", "TICKET 1"}, {"count", "true"}});  // 1, 10..19
  EXPECT_EQ(like.at("total"), 11);
  auto pct = list({{"title.like", "%"}, {"count", "true"}});
  EXPECT_EQ(pct.at("total"), 0) << "% is matched literally";
}

TEST_P(StoreTest, FullTextSearch) {
  insert("Outlook cannot connect to the mail server", 1);
  insert("Printer on floor 3 jams", 2);
  insert("Mailbox quota exceeded", 3);
  auto r = list({{"q", "printer"}, {"count", "true"}});
  EXPECT_EQ(r.at("total"), 1);
  auto prefix = list({{"q", "mail"}, {"count", "true"}});  // prefix match on the last word
  EXPECT_GE(prefix.at("total").as_int64(), 1);
  auto both = list({{"q", "outlook server"}, {"count", "true"}});
  EXPECT_EQ(both.at("total"), 1);
  auto hostile = list({{"q", "\"printer\" OR * NEAR( -"}, {"count", "true"}});  // no query injection
  EXPECT_TRUE(hostile.at("items").is_array());
  auto none = list({{"q", "zebra"}, {"count", "true"}});
  EXPECT_EQ(none.at("total"), 0);
}

// SQLite indexes new rows in insert_record, not in a trigger (schema.cc, ensure_fts); a
// database made with the old AFTER INSERT trigger loses it when the schema is ensured.
TEST(StoreFtsTest, NewRowsAreIndexedOnceAndTheOldInsertTriggerGoes) {
  auto s = Store::open(ordo::testing::fresh_sqlite_url());
  ASSERT_TRUE(s) << s.error().message;
  Store& store = **s;
  const Registry& reg = default_registry();
  const RecordType& t = *reg.by_name("incident");
  auto ok = store.write([&](SqlConn& c) -> Result<bool> {
    ORDO_TRY(ensure_schema(c, reg));
    // The layout before: the same FTS table, fed by a trigger, and its meta value.
    ORDO_TRY(c.exec_script("CREATE TRIGGER incidents_fts_ai AFTER INSERT ON incidents BEGIN "
                           "INSERT INTO incidents_fts(rowid, title, description) VALUES (new.id, new.title, "
                           "new.description); END; UPDATE ordo_meta SET value = 'title,description' "
                           "WHERE key = 'fts:incidents';"));
    ORDO_TRY(ensure_schema(c, reg));
    return true;
  });
  ASSERT_TRUE(ok) << ok.error().message;
  auto ids = store.write([&](SqlConn& c) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> out;
    for (const char* title : {"Printer on floor 3 jams", "Mailbox quota exceeded"}) {
      ORDO_ASSIGN(Change ch, validate_create(t, json::object{{"title", title}, {"impact", 2}, {"urgency", 2}}, kT0));
      ORDO_ASSIGN(auto r, insert_record(c, t, ch, kT0, 1));
      out.push_back(r.at("id").as_int64());
    }
    return out;
  });
  ASSERT_TRUE(ids) << ids.error().message;
  // A changed title is indexed again (the update trigger), a deleted row leaves the index.
  auto changed = store.write([&](SqlConn& c) -> Result<bool> {
    ORDO_TRY(c.exec("UPDATE incidents SET title = 'Scanner on floor 3 jams' WHERE id = ?", {(*ids)[0]}));
    ORDO_TRY(c.exec("DELETE FROM incidents WHERE id = ?", {(*ids)[1]}));
    return true;
  });
  ASSERT_TRUE(changed) << changed.error().message;
  auto rows = store.read([](SqlConn& c) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> out;
    ORDO_ASSIGN(auto triggers, c.query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'incidents_fts_ai'"));
    out.push_back(sql_int(triggers.at(0).at(0)));
    for (const char* q : {"scanner", "printer", "mailbox", "jams"}) {
      ORDO_ASSIGN(auto n, c.query("SELECT COUNT(*) FROM incidents_fts WHERE incidents_fts MATCH ?", {std::string(q)}));
      out.push_back(sql_int(n.at(0).at(0)));
    }
    return out;
  });
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(*rows, (std::vector<std::int64_t>{0, 1, 0, 0, 1}));
  // The index agrees with its content table, row for row (FTS5's own check).
  auto check = store.write([](SqlConn& c) -> Result<bool> {
    ORDO_TRY(c.exec("INSERT INTO incidents_fts(incidents_fts, rank) VALUES ('integrity-check', 1)"));
    return true;
  });
  EXPECT_TRUE(check) << check.error().message;
  store.close();
}

// On SQLite the writer indexes a group's new records at its end (SqlConn::exec_at_commit).
// Four commands forced into one group: a create; a create that then fails; an update of
// the first record's title (its row must be indexed before the update trigger moves it) and
// a create; a create and update that then fails (the third command's row, indexed inside
// this savepoint, is pending again after the rollback). The index holds exactly what
// committed, on both backends.
TEST_P(StoreTest, AGroupsNewRecordsAreSearchableAndFailedCommandsLeaveNoTerms) {
  const RecordType& t = *default_registry().by_name("incident");
  auto create = [&](SqlConn& c, const char* title) -> Result<json::object> {
    ORDO_ASSIGN(Change ch, validate_create(t, json::object{{"title", title}, {"impact", 2}, {"urgency", 2}}, kT0));
    return insert_record(c, t, ch, kT0, 1);
  };
  auto retitle = [&](SqlConn& c, const json::object& rec, const char* title) -> Result<json::object> {
    ORDO_ASSIGN(Change ch, validate_patch(t, declared_values(t, rec), json::object{{"title", title}}));
    ch.status = std::string(rec.at("status").as_string());
    return update_record(c, t, rec.at("id").as_int64(), rec.at("version").as_int64(), ch, kT0 + 1);
  };
  auto outcome = run_in_one_group({
      [&](SqlConn& c) -> Result<bool> {
        ORDO_TRY(create(c, "Printer on floor 3 jams"));
        return true;
      },
      [&](SqlConn& c) -> Result<bool> {
        ORDO_TRY(create(c, "Mailbox quota exceeded"));
        return conflict("refused after the insert");
      },
      [&](SqlConn& c) -> Result<bool> {
        ORDO_ASSIGN(auto found, c.query("SELECT id FROM incidents WHERE title = 'Printer on floor 3 jams'"));
        if (found.size() != 1) return conflict("the first command's record is not visible");
        ORDO_ASSIGN(auto printer, find_record(c, t, sql_int(found[0][0])));
        ORDO_TRY(retitle(c, printer.value(), "Scanner on floor 3 jams"));
        ORDO_TRY(create(c, "Laptop battery swollen"));
        return true;
      },
      [&](SqlConn& c) -> Result<bool> {
        ORDO_ASSIGN(auto monitor, create(c, "Monitor flickers"));
        ORDO_TRY(retitle(c, monitor, "Monitor flickers badly"));
        return conflict("refused after the update");
      },
  });
  EXPECT_EQ(outcome, (std::vector<std::string>{"ok", "refused after the insert", "ok", "refused after the update"}));
  for (auto [q, n] : std::vector<std::pair<std::string, int>>{
           {"scanner", 1}, {"printer", 0}, {"jams", 1}, {"mailbox", 0}, {"laptop", 1}, {"monitor", 0}}) {
    auto found = list({{"q", q}, {"count", "true"}});
    EXPECT_EQ(found.at("total"), n) << q;
  }
  if (GetParam() == "sqlite") {
    auto check = store_->write([](SqlConn& c) -> Result<bool> {
      ORDO_TRY(c.exec("INSERT INTO incidents_fts(incidents_fts, rank) VALUES ('integrity-check', 1)"));
      return true;
    });
    EXPECT_TRUE(check) << check.error().message;
  }
}

// The writer remembers the chain head within a transaction (SqlConn::cached_chain_head):
// commands after the first append without reading it, one rolled back to its savepoint
// takes its events with it, so the next appends where it began, and the head is recorded
// once before COMMIT — read back when the last command to append was rolled back.
TEST_P(StoreTest, AGroupsAppendsStayOneChainWhenACommandInItFails) {
  auto event = [](const char* action) { return NewEvent{kT0, 1, "admin", "incident", 1, action, {}}; };
  auto outcome = run_in_one_group({
      [&](SqlConn& c) -> Result<bool> {
        ORDO_TRY(append_events(c, std::vector<NewEvent>{event("a1"), event("a2")}));
        return true;
      },
      [&](SqlConn& c) -> Result<bool> {
        ORDO_TRY(append_event(c, event("refused")));
        return conflict("refused after appending");
      },
      [&](SqlConn& c) -> Result<bool> {
        ORDO_TRY(append_event(c, event("b")));
        return true;
      },
      [&](SqlConn& c) -> Result<bool> {
        ORDO_TRY(append_event(c, event("c")));
        return true;
      },
  });
  EXPECT_EQ(outcome, (std::vector<std::string>{"ok", "refused after appending", "ok", "ok"}));
  auto verified = [&](std::int64_t events) {
    auto v = store_->read([](SqlConn& c) { return verify_chain(c); });
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->ok) << v->problem;  // includes ordo_meta's chain_head, recorded before COMMIT
    EXPECT_EQ(v->checked, events);
  };
  verified(4);
  // The group's last command fails after appending: the head recorded is read back.
  outcome = run_in_one_group({
      [&](SqlConn& c) -> Result<bool> {
        ORDO_TRY(append_event(c, event("d")));
        return true;
      },
      [&](SqlConn& c) -> Result<bool> {
        ORDO_TRY(append_event(c, event("refused too")));
        return conflict("refused after appending");
      },
  });
  EXPECT_EQ(outcome, (std::vector<std::string>{"ok", "refused after appending"}));
  verified(5);
  insert("after the groups", 1);  // a new transaction reads the head again
  auto rows = store_->read([](SqlConn& c) { return c.query("SELECT seq, action FROM events ORDER BY seq"); });
  ASSERT_TRUE(rows);
  std::vector<std::string> actions;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    EXPECT_EQ(sql_int((*rows)[i][0]), static_cast<std::int64_t>(i + 1));
    actions.push_back(sql_text((*rows)[i][1]));
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"a1", "a2", "b", "c", "d", "create"}));
  verified(6);
}

TEST_P(StoreTest, FailedCommandRollsBackOnlyItself) {
  insert("first", 1);
  auto bad = store_->write([&](SqlConn& c) -> Result<bool> {
    ORDO_TRY(c.exec("INSERT INTO counters (type, next) VALUES ('junk', 1)"));
    return conflict("refused");
  });
  ASSERT_FALSE(bad);
  auto rows = store_->read([](SqlConn& c) { return c.query("SELECT count(*) FROM counters WHERE type = 'junk'"); });
  ASSERT_TRUE(rows);
  EXPECT_EQ(std::get<std::int64_t>((*rows)[0][0]), 0);
  insert("second", 1);
  auto v = store_->read([](SqlConn& c) { return verify_chain(c); });
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->checked, 2);
}

TEST_P(StoreTest, NoWaitRefusesWhatWouldWaitAndRunsTheRest) {
  auto count_junk = [&] {
    return store_->read([](SqlConn& c) { return c.query("SELECT count(*) FROM counters WHERE type = 'junk'"); });
  };
  {
    // No read connection is open yet (SetUp only wrote): opening one would wait.
    NoWait no_wait;
    auto r = count_junk();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable);
    EXPECT_TRUE(no_wait.blocked());
  }
  ASSERT_TRUE(count_junk());  // opens one, back in the pool afterwards
  {
    NoWait no_wait;
    auto r = count_junk();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(std::get<std::int64_t>((*r)[0][0]), 0);
    EXPECT_FALSE(no_wait.blocked());
    // A write always waits for the group commit: refused, and nothing is written.
    bool ran = false;
    auto w = store_->write([&](SqlConn& c) -> Result<bool> {
      ran = true;
      ORDO_TRY(c.exec("INSERT INTO counters (type, next) VALUES ('junk', 1)"));
      return true;
    });
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().kind, ErrorKind::kUnavailable);
    EXPECT_TRUE(no_wait.blocked());
    EXPECT_FALSE(ran);
  }
  EXPECT_FALSE(NoWait::active());
  auto after = count_junk();
  ASSERT_TRUE(after);
  EXPECT_EQ(std::get<std::int64_t>((*after)[0][0]), 0);
  // Outside the scope the same write goes through.
  EXPECT_TRUE(store_->write([](SqlConn& c) -> Result<bool> {
    ORDO_TRY(c.exec("INSERT INTO counters (type, next) VALUES ('junk', 1)"));
    return true;
  }));
}

TEST_P(StoreTest, ConcurrentWritersKeepTheChainLinearAndGroupCommit) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < kEach; ++k)
        if (insert("t" + std::to_string(i) + "-" + std::to_string(k), 2).empty()) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto v = store_->read([](SqlConn& c) { return verify_chain(c); });
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->checked, kThreads * kEach);
  EXPECT_EQ(stats_.commands.load(), static_cast<std::uint64_t>(kThreads * kEach + 1));  // + schema
  auto numbers = list({{"count", "true"}});
  EXPECT_EQ(numbers.at("total"), kThreads * kEach);
}

TEST_P(StoreTest, VerifyDetectsEdit) {
  for (int i = 0; i < 5; ++i) insert("e" + std::to_string(i), 2);
  auto verify = [&] {
    auto v = store_->read([](SqlConn& c) { return verify_chain(c); });
    EXPECT_TRUE(v);
    return *v;
  };
  auto tamper = [&](const std::string& sql) {
    auto r = store_->write([&](SqlConn& c) { return c.exec(sql); });
    ASSERT_TRUE(r) << r.error().message;
  };
  EXPECT_TRUE(verify().ok);
  tamper("UPDATE events SET data = '{\"title\":\"forged\"}' WHERE seq = 3");
  auto edited = verify();
  EXPECT_FALSE(edited.ok);
  EXPECT_EQ(edited.bad_seq, 3);
}

TEST_P(StoreTest, VerifyDetectsDeletion) {
  for (int i = 0; i < 5; ++i) insert("e" + std::to_string(i), 2);
  ASSERT_TRUE(store_->write([](SqlConn& c) { return c.exec("DELETE FROM events WHERE seq = 2"); }));
  auto v = store_->read([](SqlConn& c) { return verify_chain(c); });
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->bad_seq, 2);
}

TEST_P(StoreTest, VerifyDetectsReorder) {
  for (int i = 0; i < 5; ++i) insert("e" + std::to_string(i), 2);
  // Swap the contents of events 2 and 4 while keeping seq numbers: the links break.
  ASSERT_TRUE(store_->write([](SqlConn& c) -> Result<std::int64_t> {
    ORDO_TRY(c.exec("UPDATE events SET seq = -2 WHERE seq = 2"));
    ORDO_TRY(c.exec("UPDATE events SET seq = 2 WHERE seq = 4"));
    return c.exec("UPDATE events SET seq = 4 WHERE seq = -2");
  }));
  auto v = store_->read([](SqlConn& c) { return verify_chain(c); });
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->bad_seq, 2);
}

TEST_P(StoreTest, VerifyDetectsTruncation) {
  for (int i = 0; i < 5; ++i) insert("e" + std::to_string(i), 2);
  ASSERT_TRUE(store_->write([](SqlConn& c) { return c.exec("DELETE FROM events WHERE seq = 5"); }));
  auto v = store_->read([](SqlConn& c) { return verify_chain(c); });
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_NE(v->problem.find("cut off"), std::string::npos) << v->problem;
}

INSTANTIATE_TEST_SUITE_P(Db, StoreTest, ::testing::ValuesIn(ordo::testing::backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo
