// App::import_servicenow on both databases, over tests/data/servicenow-excerpt.csv: five
// incidents of the real ServiceNow event log (lines 2–5, 359–362, 7079–7081, 40868–40873
// and 140996–141002 there), among them two reopens (one of a closed incident), two
// reassignments and one missed SLA. What the API then shows: the records with the source's
// numbers, counters and timestamps, their rebuilt history at the original times, the
// filters the KPIs use, the SLA report; and the refusals: a bad row (nothing written), a
// number already imported, roles that may not import.
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

std::string excerpt() {
  std::ifstream in(std::string(ORDO_SOURCE_DIR) + "/tests/data/servicenow-excerpt.csv", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << "tests/data/servicenow-excerpt.csv is missing";
  return s.str();
}

std::string errors_of(const Error& e) {
  std::string s = e.message;
  for (const auto& f : e.fields) s += "\n  " + f.field + ": " + f.message;
  return s;
}

class ImportServiceNowTest : public ApiTest {
 protected:
  Result<json::object> import(const std::string& csv, App::ImportOptions options = {}) {
    return app().import_servicenow(app().system_principal(), csv, options);
  }

  std::int64_t count(const std::string& query) {
    auto r = client().get("/api/v1/incidents?count=true&limit=1" + (query.empty() ? "" : "&" + query));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("total").as_int64() : -1;
  }

  json::object by_number(const std::string& number) {
    auto r = client().get("/api/v1/incidents?number=" + number);
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value page = r.json();
    const auto& items = page.at("items").as_array();
    EXPECT_EQ(items.size(), 1u) << number;
    return items.empty() ? json::object{} : items[0].as_object();
  }

  json::array history(std::int64_t id) {
    auto r = client().get("/api/v1/incidents/" + std::to_string(id) + "/history");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("items").as_array();
  }

  std::int64_t team_id(const std::string& name) {
    std::string encoded = name;
    encoded.replace(encoded.find(' '), 1, "%20");  // "Group 70"
    auto r = client().get("/api/v1/teams?name=" + encoded);
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value page = r.json();
    const auto& items = page.at("items").as_array();
    return items.size() == 1 ? items[0].at("id").as_int64() : 0;
  }
};

TEST_P(ImportServiceNowTest, EachSourceIncidentBecomesAnIncidentWithItsHistory) {
  auto rep = import(excerpt());
  ASSERT_TRUE(rep) << errors_of(rep.error());
  EXPECT_EQ(rep->at("rows"), 24);
  EXPECT_EQ(rep->at("incidents"), 5);
  EXPECT_EQ(rep->at("imported"), 5);
  EXPECT_EQ(rep->at("events"), 24);
  EXPECT_EQ(rep->at("first_number"), "INC0000045");
  EXPECT_EQ(rep->at("last_number"), "INC0103733");
  EXPECT_EQ(rep->at("teams_created"), (json::array{"Group 56", "Group 70", "Group 39"}));
  EXPECT_EQ(count(""), 5);

  // INC0009198: logged resolved, reopened, taken from Group 70, resolved again, closed.
  json::object inc = by_number("INC0009198");
  EXPECT_EQ(inc.at("status"), "closed");
  EXPECT_EQ(inc.at("priority"), "P3");
  EXPECT_EQ(inc.at("reported_at"), "2016-03-21T08:31:00Z");
  EXPECT_EQ(inc.at("created_at"), "2016-03-21T08:31:00Z");
  EXPECT_EQ(inc.at("resolved_at"), "2016-03-21T21:14:00Z");
  EXPECT_EQ(inc.at("closed_at"), "2016-03-26T21:59:00Z");
  EXPECT_EQ(inc.at("updated_at"), "2016-03-26T21:59:00Z");
  EXPECT_EQ(inc.at("reopen_count"), 1);
  EXPECT_EQ(inc.at("reassignment_count"), 1);
  EXPECT_EQ(inc.at("assignment_group"), nullptr);
  EXPECT_EQ(inc.at("category"), "Category 32");
  EXPECT_EQ(inc.at("channel"), "phone");
  EXPECT_EQ(inc.at("resolution_breached"), false);
  std::vector<std::string> seen;
  for (const auto& e : history(inc.at("id").as_int64())) {
    const auto& d = e.at("data").as_object();
    seen.push_back(std::string(e.at("at").as_string()) + " " + std::string(e.at("action").as_string()) +
                   (d.contains("to") ? " " + std::string(d.at("to").as_string()) : ""));
    EXPECT_EQ(e.at("actor"), "system");
    EXPECT_EQ(d.at("imported"), true);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"2016-03-21T08:31:00Z create", "2016-03-21T08:45:00Z transition resolved",
                                            "2016-03-21T18:10:00Z transition in_progress", "2016-03-21T18:44:00Z update",
                                            "2016-03-21T21:14:00Z transition resolved",
                                            "2016-03-26T21:59:00Z transition closed"}));
  const auto h = history(inc.at("id").as_int64());
  EXPECT_EQ(h[0].at("data").at("number"), "INC0009198");
  EXPECT_EQ(h[3].at("data").at("changes").at("assignment_group"), (json::array{team_id("Group 70"), nullptr}));
  EXPECT_EQ(h[3].at("data").at("source").at("line"), 16);

  // The filters the KPIs use: reopened, reassigned, the source's SLA verdict.
  EXPECT_EQ(count("reopen_count.gt=0"), 2);
  EXPECT_EQ(count("reassignment_count.gt=0"), 2);
  EXPECT_EQ(count("resolution_breached=true"), 1);
  EXPECT_EQ(count("resolution_breached=false"), 4);
  EXPECT_EQ(count("q=Caller%20576"), 1);  // source-only columns are searchable text
  EXPECT_EQ(by_number("INC0001686").at("resolution_breached_at"), "2016-03-24T18:40:00Z");
  // INC0103733 was closed, then reopened from closed: its record keeps the final closing.
  json::object reopened = by_number("INC0103733");
  EXPECT_EQ(reopened.at("reopen_count"), 1);
  EXPECT_EQ(reopened.at("closed_at"), "2017-02-06T14:00:00Z");
  EXPECT_EQ(history(reopened.at("id").as_int64()).size(), 7u);

  // The SLA report over the source's year counts the source's verdicts.
  auto sla = client().get("/api/v1/reports/sla?from=2016-01-01T00:00:00Z&to=2017-03-01T00:00:00Z");
  ASSERT_EQ(sla.status, 200) << sla.body;
  const json::value report = sla.json();
  const auto& resolution = report.at("totals").at("resolution");
  EXPECT_EQ(resolution.at("met"), 4);
  EXPECT_EQ(resolution.at("breached"), 1);

  auto chain = app().verify_audit_chain();
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->ok) << chain->problem;
}

TEST_P(ImportServiceNowTest, UsesTeamsThatExistAndWritesInBatchesOfIncidents) {
  const std::int64_t desk = create("teams", R"({"name":"Group 70"})").at("id").as_int64();
  auto rep = import(excerpt(), {.batch_size = 2});
  ASSERT_TRUE(rep) << errors_of(rep.error());
  EXPECT_EQ(rep->at("batches"), 3);
  EXPECT_EQ(rep->at("teams_created"), (json::array{"Group 56", "Group 39"}));
  EXPECT_EQ(by_number("INC0000137").at("assignment_group"), desk);
}

TEST_P(ImportServiceNowTest, DryRunChecksAndWritesNothing) {
  auto rep = import(excerpt(), {.dry_run = true});
  ASSERT_TRUE(rep) << errors_of(rep.error());
  EXPECT_EQ(rep->at("incidents"), 5);
  EXPECT_EQ(rep->at("events"), 24);
  EXPECT_EQ(rep->at("teams_to_create").as_array().size(), 3u);
  EXPECT_EQ(count(""), 0);
  EXPECT_EQ(team_id("Group 70"), 0);
}

TEST_P(ImportServiceNowTest, ABadRowStopsTheWholeFileWithEveryErrorNamed) {
  std::string csv = excerpt();
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = csv.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    csv.replace(at, from.size(), to);
  };
  replace("INC0001686,Resolved,true,1,0,2,true", "INC0001686,Parked,true,1,0,2,true");  // line 11
  replace("29/2/2016 11:10", "29/2/2016 25:10");                                         // line 6
  csv += "INC0000045,New,true,0,0,0,true\n";                                             // line 26
  auto rep = import(csv);
  ASSERT_FALSE(rep);
  EXPECT_EQ(rep.error().kind, ErrorKind::kInvalid);
  const std::string all = errors_of(rep.error());
  EXPECT_NE(all.find("line 11: incident_state: unknown state 'Parked'"), std::string::npos) << all;
  EXPECT_NE(all.find("line 6: sys_updated_at"), std::string::npos) << all;
  EXPECT_NE(all.find("line 26: number: 'INC0000045' is also on lines 2–5"), std::string::npos) << all;
  EXPECT_NE(all.find("line 26: has 7 fields; the header has 36"), std::string::npos) << all;
  EXPECT_NE(rep.error().message.find("nothing was imported"), std::string::npos) << rep.error().message;
  EXPECT_EQ(count(""), 0);
  EXPECT_EQ(team_id("Group 70"), 0);
}

TEST_P(ImportServiceNowTest, ImportingTheSameFileTwiceIsRefusedByNumber) {
  ASSERT_TRUE(import(excerpt()));
  auto again = import(excerpt());
  ASSERT_FALSE(again);
  EXPECT_NE(errors_of(again.error()).find("line 2: number: 'INC0000045' is already used by an incident"),
            std::string::npos)
      << errors_of(again.error());
  EXPECT_EQ(count(""), 5);
}

TEST_P(ImportServiceNowTest, OnlyAdministratorsAndProcessManagersImport) {
  for (const std::string role : {"agent", "auditor"}) {
    std::int64_t id = 0;
    user_client("u_" + role, {role}, std::nullopt, &id);
    Principal p{.user_id = id, .username = "u_" + role, .roles = {role}};
    auto r = app().import_servicenow(p, excerpt(), {});
    ASSERT_FALSE(r) << role;
    EXPECT_EQ(r.error().kind, ErrorKind::kForbidden) << role;
  }
  EXPECT_EQ(count(""), 0);
}

INSTANTIATE_TEST_SUITE_P(Db, ImportServiceNowTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
