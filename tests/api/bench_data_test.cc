// `ordo bench-data` writes what the app would have written: for every generated incident,
// the stored sla_* fields equal what GET /api/v1/incidents/{id}/sla recomputes from its
// history with the clock at the generator's `now`, and the hash chain verifies.
#include "app/bench_data.h"

#include <map>

#include "api/api_fixture.h"
#include "store/store.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

class BenchDataTest : public ApiTest {};

json::value expected_breached_at(const json::object& target) {
  return target.at("breached").as_bool() ? target.at("breached_at") : json::value(nullptr);
}

TEST_P(BenchDataTest, StoredSlaFieldsEqualTheClockRecomputedFromHistoryAndTheChainVerifies) {
  auto rep = generate_bench_data(app(), {.incidents = 200, .seed = 11, .services = 6, .customers = 10, .teams = 4,
                                         .now = clock().now(), .batch = 64});
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->incidents, 200);
  EXPECT_GT(rep->events, 200 * 3) << "create, first move, resolve at least for most";

  auto list = client().get("/api/v1/incidents?limit=500");
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value listed = list.json();
  const json::array& items = listed.at("items").as_array();
  ASSERT_EQ(items.size(), 200u);
  std::map<std::string, int> statuses;
  int breached = 0, met = 0, with_agreement = 0;
  for (const auto& v : items) {
    const std::int64_t id = v.at("id").as_int64();
    auto got = client().get("/api/v1/incidents/" + std::to_string(id));  // lists may carry fewer fields
    ASSERT_EQ(got.status, 200) << got.body;
    const json::object inc = got.json().as_object();
    SCOPED_TRACE(std::string(inc.at("number").as_string()));
    ++statuses[std::string(inc.at("status").as_string())];
    auto r = client().get("/api/v1/incidents/" + std::to_string(id) + "/sla");
    ASSERT_EQ(r.status, 200) << r.body;
    const json::object sla = r.json().as_object();
    ASSERT_FALSE(sla.contains("problem")) << sla.at("problem");
    ASSERT_TRUE(sla.at("agreement").is_object());
    ++with_agreement;
    EXPECT_EQ(inc.at("sla_agreement"), sla.at("agreement").at("id"));
    EXPECT_EQ(inc.at("priority"), sla.at("priority"));
    json::value due = nullptr;
    bool at_risk = false;
    for (const auto& tv : sla.at("targets").as_array()) {
      const json::object& t = tv.as_object();
      const std::string k(t.at("kind").as_string());
      EXPECT_EQ(inc.at(k + "_due_at"), t.at("due_at")) << k;
      EXPECT_EQ(inc.at(k + "_met_at"), t.at("met_at")) << k;
      EXPECT_EQ(inc.at(k + "_breached"), t.at("breached")) << k;
      EXPECT_EQ(inc.at(k + "_breached_at"), expected_breached_at(t)) << k;
      if (t.at("due_at").is_string() && (due.is_null() || t.at("due_at").as_string() < due.as_string()))
        due = t.at("due_at");
      at_risk = at_risk || t.at("at_risk").as_bool();
      breached += t.at("breached").as_bool();
      met += t.at("met_at").is_string() && !t.at("breached").as_bool();
    }
    EXPECT_EQ(inc.at("sla_due_at"), due);
    EXPECT_EQ(inc.at("sla_at_risk"), json::value(at_risk));
  }
  EXPECT_EQ(with_agreement, 200);
  EXPECT_GT(statuses["closed"], 100) << "most of a year's incidents are closed";
  EXPECT_GT(breached, 0);
  EXPECT_GT(met, 100);

  // Categories and configuration items give the incident trends clusters to find.
  EXPECT_FALSE(items[0].at("category").is_null());
  EXPECT_FALSE(items[0].at("configuration_item").is_null());
  const std::string window = "from=" + format_rfc3339(clock().now() - 366 * 86400) + "&to=" + format_rfc3339(clock().now());
  for (const char* by : {"service_category", "configuration_item"}) {
    auto trends = client().get("/api/v1/reports/incident-trends?" + window + "&min_count=3&by=" + by);
    ASSERT_EQ(trends.status, 200) << trends.body;
    EXPECT_FALSE(trends.json().at("clusters").as_array().empty()) << by;
  }

  // The history reads back through the API, and the chain verifies (ordo audit verify).
  auto h = client().get("/api/v1/incidents/" + std::to_string(items[0].at("id").as_int64()) + "/history");
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(h.json().at("items").as_array().at(0).at("action"), "create");
  auto verified = app().verify_audit_chain();
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->ok) << verified->problem;

  auto again = generate_bench_data(app(), {.incidents = 1, .now = clock().now()});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict) << "bench data goes into a fresh database only";
}

// Incident i is a function of the options and i alone: any number of prep threads writes the
// same rows and the same history (the hashes of the incidents' events agree one for one).
TEST_P(BenchDataTest, TheDataDoesNotDependOnTheThreadCount) {
  auto dump = [&](App& a) {
    auto rows = a.store().read([](SqlConn& c) {
      return c.query("SELECT e.action, e.data, e.at, i.number, i.status, i.priority, i.sla_due_at, i.title "
                     "FROM events e JOIN incidents i ON i.id = e.record_id "
                     "WHERE e.record_type = 'incident' ORDER BY e.seq");
    });
    EXPECT_TRUE(rows) << rows.error().message;
    std::vector<std::string> out;
    if (rows)
      for (const auto& r : *rows) {
        std::string line;
        for (const auto& v : r) line += sql_text(v) + "|";
        out.push_back(std::move(line));
      }
    return out;
  };
  const BenchDataOptions one{.incidents = 150, .seed = 5, .services = 4, .customers = 6, .teams = 3,
                             .now = clock().now(), .batch = 40, .threads = 1};
  ASSERT_TRUE(generate_bench_data(app(), one));

  const std::string url = fresh_url(GetParam());
  ManualClock other_clock{kTestStart};
  ASSERT_TRUE(init_database({url, "admin", kAdminPassword, true, &other_clock}));
  auto other = App::open({.db_url = url, .clock = &other_clock, .fast_password_hashing = true});
  ASSERT_TRUE(other) << other.error().message;
  BenchDataOptions three = one;
  three.threads = 3;
  ASSERT_TRUE(generate_bench_data(**other, three));

  const auto a = dump(app()), b = dump(**other);
  ASSERT_GT(a.size(), 450u);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "event " << i;
}

INSTANTIATE_TEST_SUITE_P(Db, BenchDataTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
