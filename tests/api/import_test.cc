// POST /api/v1/import/incidents and App::import_incidents, on both databases: imported
// history is real history (events at their original times, SLA figures computed from
// them), numbers are kept, bad lines are all reported and nothing is written, batches are
// atomic, and only administrators and process managers may import.
#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

const std::map<std::string, std::string> kNdjson{{"Content-Type", "application/x-ndjson"}};

class ImportTest : public ApiTest {
 protected:
  HttpResponse import(std::string_view body, std::string_view query = "") {
    return client().request("POST", "/api/v1/import/incidents" + std::string(query), body, kNdjson);
  }

  // The incident with this number, or null.
  json::value by_number(const std::string& number) {
    auto r = client().get("/api/v1/incidents?number=" + number);
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value page = r.json();
    const auto& items = page.at("items").as_array();
    EXPECT_LE(items.size(), 1u) << number;
    return items.empty() ? json::value(nullptr) : items[0];
  }

  std::int64_t incident_count() {
    auto r = client().get("/api/v1/incidents?count=true&limit=1");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("total").as_int64();
  }

  // A bearer token for a new user with one role.
  std::string token_for(const std::string& role) {
    const std::string password = "import-test-password";
    json::object body{{"username", "u_" + role}, {"password", password}, {"roles", json::array{json::string(role)}}};
    if (role == "requester") body["organisation"] = customer_id();
    auto u = app().create_user(app().system_principal(), body);
    EXPECT_TRUE(u) << u.error().message;
    auto s = app().login("u_" + role, password, "test");
    EXPECT_TRUE(s);
    auto p = app().authenticate_session(s->token);
    EXPECT_TRUE(p);
    auto tok = app().create_token(*p, json::object{{"name", "import"}});
    EXPECT_TRUE(tok);
    return std::string(tok->at("token").as_string());
  }

  static std::string line(const std::string& number, const std::string& title = "Mail down") {
    return R"({"number":")" + number + R"(","title":")" + title +
           R"(","service":"Email","customer":"Acme","impact":2,"urgency":2,"reported_at":"2026-02-27T16:00:00Z",)"
           R"("timeline":[{"at":"2026-02-27T16:30:00Z","status":"in_progress"}]})";
  }

  // An SLA with these targets on the Email service (for customer Acme, both created on
  // demand), on office hours Mon–Fri 09:00–17:00 UTC. Returns the agreement's id.
  std::int64_t office_hours_sla(json::object targets) {
    std::int64_t svc = service_id();
    customer_id();
    json::object hours;
    for (const char* d : {"mon", "tue", "wed", "thu", "fri"}) hours[d] = json::array{json::array{"09:00", "17:00"}};
    std::int64_t cal = create("calendars", json::serialize(json::object{{"name", "Office"}, {"timezone", "UTC"}, {"hours", hours}}))
                           .at("id").as_int64();
    return create("agreements", json::serialize(json::object{{"name", "Email SLA"}, {"kind", "sla"}, {"service", svc},
                                                             {"calendar", cal}, {"targets", std::move(targets)}}))
        .at("id").as_int64();
  }

  const json::object* target(const json::value& sla, std::string_view kind) {
    for (const auto& t : sla.at("targets").as_array())
      if (t.at("kind").as_string() == kind) return &t.as_object();
    ADD_FAILURE() << "no " << kind << " target in " << json::serialize(sla);
    return nullptr;
  }
};

// Office hours Mon–Fri 09:00–17:00 UTC. Reported Friday 16:00, answered 16:30, raised to P2
// at 16:45, waiting for the customer from 16:50 over the weekend until Monday 09:30,
// resolved Monday 11:00. The clock runs Fri 16:00–16:50 (3000 s) and Mon 09:30–11:00
// (5400 s); it is paused Fri 16:50–17:00 and Mon 09:00–09:30 (2400 s); the night and the
// weekend are outside hours.
TEST_P(ImportTest, HistoryKeepsItsOriginalTimesAndTheSlaClockReadsIt) {
  std::int64_t agr = office_hours_sla(json::object{{"P2", {{"response", 1800}, {"resolution", 14400}}},
                                                   {"P3", {{"response", 3600}, {"resolution", 28800}}}});
  create("teams", R"({"name":"Service Desk"})");
  clock().set(*parse_rfc3339("2026-03-04T12:00:00Z"));

  auto r = import(R"({"number":"EXT-1","title":"Mail down","description":"No mail since 15:50","service":"Email",)"
                  R"("customer":"Acme","assignment_group":"Service Desk","impact":2,"urgency":2,)"
                  R"("reported_at":"2026-02-27T16:00:00Z","timeline":[)"
                  R"({"at":"2026-02-27T16:30:00Z","status":"in_progress"},)"
                  R"({"at":"2026-02-27T16:45:00Z","priority":"P2"},)"
                  R"({"at":"2026-02-27T16:50:00Z","status":"pending_customer"},)"
                  R"({"at":"2026-03-02T09:30:00Z","status":"in_progress"},)"
                  R"({"at":"2026-03-02T10:00:00Z","public_reply":true},)"
                  R"({"at":"2026-03-02T11:00:00Z","status":"resolved","resolution_code":"fixed","resolution_note":"Queue restarted"}]})"
                  "\n");
  ASSERT_EQ(r.status, 201) << r.body;
  json::value rep = r.json();
  EXPECT_EQ(rep.at("imported"), 1);
  EXPECT_EQ(rep.at("batches"), 1);
  EXPECT_EQ(rep.at("first_number"), "EXT-1");
  EXPECT_EQ(rep.at("last_number"), "EXT-1");
  EXPECT_TRUE(rep.at("seconds").is_number());

  // The record is in its final state, with the history's stamps.
  json::value inc = by_number("EXT-1");
  ASSERT_TRUE(inc.is_object());
  std::int64_t id = inc.at("id").as_int64();
  EXPECT_EQ(inc.at("status"), "resolved");
  EXPECT_EQ(inc.at("priority"), "P2");
  EXPECT_EQ(inc.at("created_at"), "2026-02-27T16:00:00Z");
  EXPECT_EQ(inc.at("reported_at"), "2026-02-27T16:00:00Z");
  EXPECT_EQ(inc.at("updated_at"), "2026-03-02T11:00:00Z");
  EXPECT_EQ(inc.at("resolved_at"), "2026-03-02T11:00:00Z");
  EXPECT_EQ(inc.at("resolution_code"), "fixed");
  EXPECT_FALSE(inc.at("assignment_group").is_null());
  EXPECT_EQ(inc.at("sla_agreement"), agr);
  EXPECT_EQ(inc.at("response_met_at"), "2026-02-27T16:30:00Z");
  EXPECT_EQ(inc.at("resolution_met_at"), "2026-03-02T11:00:00Z");
  EXPECT_EQ(inc.at("resolution_breached"), false);

  // The history shows every step at its original time.
  auto h = client().get("/api/v1/incidents/" + std::to_string(id) + "/history");
  ASSERT_EQ(h.status, 200) << h.body;
  const json::value history = h.json();
  const auto& items = history.at("items").as_array();
  ASSERT_EQ(items.size(), 7u) << h.body;
  EXPECT_EQ(items[0].at("action"), "create");
  EXPECT_EQ(items[0].at("at"), "2026-02-27T16:00:00Z");
  EXPECT_EQ(items[0].at("actor"), "admin");
  EXPECT_EQ(items[0].at("data").at("imported"), true);
  EXPECT_EQ(items[0].at("data").at("number"), "EXT-1");
  EXPECT_EQ(items[0].at("data").at("values").at("priority"), "P3");
  const char* actions[] = {"create", "transition", "update", "transition", "transition", "reply", "transition"};
  const char* times[] = {"2026-02-27T16:00:00Z", "2026-02-27T16:30:00Z", "2026-02-27T16:45:00Z", "2026-02-27T16:50:00Z",
                         "2026-03-02T09:30:00Z", "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"};
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].at("action"), actions[i]) << i;
    EXPECT_EQ(items[i].at("at"), times[i]) << i;
  }
  EXPECT_EQ(items[2].at("data").at("changes").at("priority"), (json::array{"P3", "P2"}));
  EXPECT_EQ(items[3].at("data").at("to"), "pending_customer");

  // The clock, recomputed from that history, counts business seconds from the original times.
  auto s = client().get("/api/v1/incidents/" + std::to_string(id) + "/sla");
  ASSERT_EQ(s.status, 200) << s.body;
  json::value sla = s.json();
  EXPECT_EQ(sla.at("agreement").at("id"), agr);
  const json::object* response = target(sla, "response");
  const json::object* resolution = target(sla, "resolution");
  ASSERT_TRUE(response && resolution);
  EXPECT_EQ(response->at("elapsed_seconds"), 1800) << s.body;
  EXPECT_EQ(response->at("met_at"), "2026-02-27T16:30:00Z");
  EXPECT_EQ(resolution->at("target_seconds"), 14400) << s.body;
  EXPECT_EQ(resolution->at("elapsed_seconds"), 3000 + 5400) << s.body;
  EXPECT_EQ(resolution->at("paused_seconds"), 600 + 1800) << s.body;
  EXPECT_EQ(resolution->at("met_at"), "2026-03-02T11:00:00Z");
  EXPECT_EQ(resolution->at("breached"), false);

  // The imported ticket goes on like any other: a live close is the next event. (Its
  // priority is then derived from impact and urgency again: docs/import/ndjson.md.)
  auto closed = client().request("POST", "/api/v1/incidents/" + std::to_string(id) + "/transitions",
                                 R"({"to":"closed"})", {{"If-Match", "\"1\""}});
  EXPECT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json().at("closed_at"), "2026-03-04T12:00:00Z");
  auto chain = app().verify_audit_chain();
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->ok) << chain->problem;
}

// A batch's histories are chained together (import.cc): every ticket's own history still
// comes before what its SLA timers announce.
TEST_P(ImportTest, AnOpenBreachedTicketsHistoryComesBeforeItsAnnouncements) {
  office_hours_sla(json::object{{"P3", {{"response", 3600}, {"resolution", 28800}}},
                                {"P4", {{"response", 7200}, {"resolution", 28800}}}});
  clock().set(*parse_rfc3339("2026-03-04T12:00:00Z"));
  auto open = [](const std::string& number) {
    return R"({"number":")" + number + R"(","title":"Mail slow","service":"Email","customer":"Acme","impact":2,"urgency":2,)"
           R"("reported_at":"2026-02-27T16:00:00Z","timeline":[{"at":"2026-02-27T16:10:00Z","priority":"P4"}]})" "\n";
  };
  auto r = import(open("EXT-7") + open("EXT-8"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("batches"), 1);
  for (const char* number : {"EXT-7", "EXT-8"}) {
    json::value inc = by_number(number);
    ASSERT_TRUE(inc.is_object()) << number;
    EXPECT_EQ(inc.at("response_breached"), true) << number;
    EXPECT_EQ(inc.at("resolution_breached"), true) << number;
    auto h = client().get("/api/v1/incidents/" + std::to_string(inc.at("id").as_int64()) + "/history");
    ASSERT_EQ(h.status, 200) << h.body;
    const json::value history = h.json();
    std::vector<std::string> actions;
    for (const auto& e : history.at("items").as_array()) actions.emplace_back(e.at("action").as_string());
    EXPECT_EQ(actions, (std::vector<std::string>{"create", "update", "sla.breached", "sla.breached"})) << number << ": " << h.body;
  }
  auto chain = app().verify_audit_chain();
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->ok) << chain->problem;
}

TEST_P(ImportTest, KeepsGivenNumbersAndNumbersTheRest) {
  service_id();
  customer_id();
  auto r = import(line("EXT-7") + "\n" +
                  R"({"title":"No number","impact":3,"urgency":3,"reported_at":"2026-03-01T08:00:00Z"})" + "\n");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("first_number"), "EXT-7");
  EXPECT_EQ(r.json().at("last_number"), "INC-000001");
  EXPECT_TRUE(by_number("EXT-7").is_object());
  json::value plain = by_number("INC-000001");
  ASSERT_TRUE(plain.is_object());
  EXPECT_EQ(plain.at("status"), "new");
  EXPECT_EQ(plain.at("updated_at"), "2026-03-01T08:00:00Z");
  // The counter moved on normally: the next live incident is INC-000002.
  EXPECT_EQ(create("incidents", R"({"title":"Live","impact":3,"urgency":3})").at("number"), "INC-000002");

  // A number already in the database is refused, as is Ordo's own form.
  auto again = import(line("EXT-7") + "\n" + line("INC-000009") + "\n");
  ASSERT_EQ(again.status, 400) << again.body;
  std::string body = again.body;
  EXPECT_NE(body.find("line 1: number"), std::string::npos) << body;
  EXPECT_NE(body.find("line 2: number"), std::string::npos) << body;
  EXPECT_EQ(incident_count(), 3);
}

TEST_P(ImportTest, ReportsEveryBadLineWithItsNumberAndWritesNothing) {
  service_id();
  customer_id();
  std::string input = line("EXT-1") + "\n" +                                                         // 1 good
                      R"({"number":"EXT-2","title":"x","service":"Emial","impact":2,"urgency":2,"reported_at":"2026-02-27T16:00:00Z"})" "\n"  // 2
                      "\n"                                                                               // 3 blank
                      "   \r\n"                                                                          // 4 blank
                      R"({"title":"x","impact":2,"urgency":2,"reported_at":"2026-02-27T16:00:00Z","timeline":[{"at":"2026-02-27T17:00:00Z","status":"on_hold"}]})" "\n"  // 5
                      "{not json\n" +                                                                    // 6
                      line("EXT-1") + "\n" +                                                             // 7 duplicate
                      R"({"title":"x","customer":"Nobody","impact":2,"urgency":2,"reported_at":"2026-02-27T16:00:00Z","timeline":[{"at":"2026-02-27T15:00:00Z","public_reply":true}]})";  // 8, no final newline
  auto r = import(input);
  ASSERT_EQ(r.status, 400) << r.body;
  json::value p = r.json();
  std::set<std::string> fields;
  for (const auto& e : p.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"line 2: service", "line 5: timeline[0].status", "line 6",
                                           "line 7: number", "line 8: timeline[0].at"}))
      << r.body;
  EXPECT_NE(std::string(p.at("detail").as_string()).find("nothing was imported"), std::string::npos) << r.body;
  EXPECT_EQ(incident_count(), 0);

  // Still nothing written when only the last line is wrong, and the customer is checked
  // once its line parses.
  auto late = import(line("EXT-1") + "\n" +
                     R"({"title":"x","customer":"Nobody","impact":2,"urgency":2,"reported_at":"2026-02-27T16:00:00Z"})");
  ASSERT_EQ(late.status, 400) << late.body;
  EXPECT_NE(late.body.find("line 2: customer"), std::string::npos) << late.body;
  EXPECT_EQ(incident_count(), 0);
}

TEST_P(ImportTest, DryRunChecksWithoutWriting) {
  service_id();
  customer_id();
  auto r = import(line("EXT-1") + "\n" + line("EXT-2") + "\n", "?dry_run=true");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("lines"), 2);
  EXPECT_EQ(r.json().at("imported"), 0);
  EXPECT_EQ(r.json().at("dry_run"), true);
  EXPECT_EQ(incident_count(), 0);
  EXPECT_EQ(import(line("EXT-1"), "?dry_run=maybe").status, 400);
  EXPECT_EQ(import(line("EXT-1"), "?batch=3").status, 400);
}

TEST_P(ImportTest, BodiesMustBeNdjsonAndNotEmpty) {
  service_id();
  customer_id();
  auto json_body = client().post("/api/v1/import/incidents", line("EXT-1"));  // Content-Type: application/json
  EXPECT_EQ(json_body.status, 415) << json_body.body;
  EXPECT_NE(json_body.body.find("application/x-ndjson"), std::string::npos) << json_body.body;
  auto empty = import("\n\n");
  EXPECT_EQ(empty.status, 400) << empty.body;
  EXPECT_EQ(client().get("/api/v1/import/incidents").status, 405);
  EXPECT_EQ(incident_count(), 0);
}

// A batch that fails after the check (here: a number taken by another import between two
// batches) rolls back alone; the batches before it stay, and the error says where.
TEST_P(ImportTest, EachBatchIsAtomic) {
  service_id();
  customer_id();
  std::string input;
  for (int i = 1; i <= 6; ++i) input += line("EXT-" + std::to_string(i), "outer " + std::to_string(i)) + "\n";
  App::ImportOptions options;
  options.batch_size = 2;
  std::vector<std::int64_t> progress;
  options.progress = [&](const App::ImportProgress& p) {
    progress.push_back(p.lines_done);
    if (p.batches == 1) {  // between batches 1 and 2, someone else takes EXT-5
      auto other = app().import_incidents(app().system_principal(), line("EXT-5", "taken meanwhile"), App::ImportOptions{});
      EXPECT_TRUE(other) << other.error().message;
    }
  };
  auto r = app().import_incidents(app().system_principal(), input, options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kConflict) << r.error().message;
  EXPECT_NE(r.error().message.find("batch 3 (lines 5–6) was rolled back"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("4 line(s) in 2 batch(es) were imported before it (EXT-1 … EXT-4)"), std::string::npos)
      << r.error().message;
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "line 5: number");
  EXPECT_EQ(progress, (std::vector<std::int64_t>{0, 2, 4}));

  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(by_number("EXT-" + std::to_string(i)).is_object()) << i;
  json::value five = by_number("EXT-5");
  ASSERT_TRUE(five.is_object());
  EXPECT_EQ(five.at("title"), "taken meanwhile");
  EXPECT_TRUE(by_number("EXT-6").is_null());  // same batch as the failing line: rolled back with it
  EXPECT_EQ(incident_count(), 5);
  auto chain = app().verify_audit_chain();
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->ok) << chain->problem;
}

TEST_P(ImportTest, BatchesAreCountedAndReported) {
  service_id();
  customer_id();
  std::string input;
  for (int i = 1; i <= 5; ++i) input += line("EXT-" + std::to_string(i)) + "\n";
  App::ImportOptions options;
  options.batch_size = 2;
  auto r = app().import_incidents(app().system_principal(), input, options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->at("imported"), 5);
  EXPECT_EQ(r->at("batches"), 3);
  EXPECT_EQ(r->at("first_number"), "EXT-1");
  EXPECT_EQ(r->at("last_number"), "EXT-5");
  options.batch_size = 0;
  auto bad = app().import_incidents(app().system_principal(), input, options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalid);
}

TEST_P(ImportTest, OnlyAdministratorsAndProcessManagersImport) {
  service_id();
  customer_id();
  int n = 0;
  for (const std::string role : {"agent", "requester", "auditor", "process_manager"}) {
    HttpClient c(port());
    c.bearer = token_for(role);
    auto r = c.request("POST", "/api/v1/import/incidents", line("EXT-" + role), kNdjson);
    if (role == "process_manager") {
      EXPECT_EQ(r.status, 201) << role << ": " << r.body;
      ++n;
    } else {
      EXPECT_EQ(r.status, 403) << role << ": " << r.body;
    }
    EXPECT_EQ(incident_count(), n) << role;
  }
  EXPECT_EQ(anonymous().request("POST", "/api/v1/import/incidents", line("EXT-anon"), kNdjson).status, 401);
}

INSTANTIATE_TEST_SUITE_P(Db, ImportTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
