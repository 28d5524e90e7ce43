// CsvReader (RFC 4180) and the ServiceNow event log's reading and planning, on rows taken
// from the real log (../shared/data/servicenow-incident-event-log, lines as numbered there
// in the comments).
#include "domain/servicenow_import.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/registry.h"
#include "domain/sla_history.h"

namespace ordo {
namespace {

namespace json = boost::json;

const Instant kNow = *parse_rfc3339("2026-03-10T12:00:00Z");

std::string errors_of(const Error& e) {
  std::string s = e.message;
  for (const auto& f : e.fields) s += "\n  " + f.field + ": " + f.message;
  return s;
}

bool has_error(const Error& e, std::string_view field, std::string_view message_part = {}) {
  for (const auto& f : e.fields)
    if (f.field == field && f.message.find(message_part) != std::string::npos) return true;
  return false;
}

// ---- CsvReader ----

std::vector<std::vector<std::string>> read_all(std::string_view text, std::vector<std::int64_t>* lines = nullptr) {
  CsvReader r(text);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> f;
  while (true) {
    auto more = r.next(f);
    EXPECT_TRUE(more) << errors_of(more.error());
    if (!more || !*more) break;
    out.push_back(f);
    if (lines) lines->push_back(r.record_line());
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, SplitsFieldsAndRecordsWithLfOrCrlfAndSkipsBlankLines) {
  std::vector<std::int64_t> lines;
  EXPECT_EQ(read_all("a,b,c\r\n\r\n1,,3\n\nx,y,\n", &lines), (Rows{{"a", "b", "c"}, {"1", "", "3"}, {"x", "y", ""}}));
  EXPECT_EQ(lines, (std::vector<std::int64_t>{1, 3, 5}));
  EXPECT_EQ(read_all("no,final,break"), (Rows{{"no", "final", "break"}}));
  EXPECT_EQ(read_all(""), Rows{});
}

TEST(CsvReader, QuotedFieldsHoldCommasLineBreaksAndDoubledQuotes) {
  std::vector<std::int64_t> lines;
  auto rows = read_all("\"INC1\",\"a, b\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x\nnext,\"\"\n", &lines);
  EXPECT_EQ(rows, (Rows{{"INC1", "a, b", "say \"hi\""}, {"two\nlines", "x"}, {"next", ""}}));
  EXPECT_EQ(lines, (std::vector<std::int64_t>{1, 2, 4}));  // the record after a two-line field starts on line 4
  EXPECT_EQ(read_all("a\"b,c\n"), (Rows{{"a\"b", "c"}}));  // a quote inside an unquoted field is data
}

TEST(CsvReader, NamesTheLineOfMalformedQuoting) {
  std::vector<std::string> f;
  CsvReader open_quote("ok\n\"never closed,\nmore\n");
  ASSERT_TRUE(open_quote.next(f));
  auto r = open_quote.next(f);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_error(r.error(), "line 2", "not closed")) << errors_of(r.error());
  CsvReader trailing("\"a\"b,c\n");
  r = trailing.next(f);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_error(r.error(), "line 1", "after the closing quote")) << errors_of(r.error());
}

TEST(CsvReader, ReadsASliceWithTheLinesOfTheWholeText) {
  const std::string text = "h1,h2\n1,2\n3,4\n";
  CsvReader whole(text);
  std::vector<std::string> f;
  ASSERT_TRUE(whole.next(f));
  ASSERT_TRUE(whole.next(f));
  const std::size_t at = whole.record_offset();
  const std::int64_t line = whole.record_line();
  EXPECT_EQ(line, 2);
  CsvReader slice(std::string_view(text).substr(at), line);
  ASSERT_TRUE(*slice.next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"1", "2"}));
  ASSERT_TRUE(*slice.next(f));
  EXPECT_EQ(slice.record_line(), 3);
}

// ---- ServiceNow ----

// Header (line 1) and four incidents of the real log: INC0000045 (lines 2–5), INC0009198
// (40868–40873: created resolved, reopened, reassigned), INC0001686 (7079–7081: made_sla
// turns false, reassigned) and INC0028089 (115642–115647: the -100 state).
constexpr const char* kLog = R"(number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at
INC0000045,New,true,0,0,0,true,Caller 2403,Opened by  8,29/2/2016 01:16,Created by 6,29/2/2016 01:23,Updated by 21,29/2/2016 01:23,Phone,Location 143,Category 55,Subcategory 170,Symptom 72,?,2 - Medium,2 - Medium,3 - Moderate,Group 56,?,true,false,Do Not Notify,?,?,?,?,code 5,Resolved by 149,29/2/2016 11:29,5/3/2016 12:00
INC0000045,Resolved,true,0,0,2,true,Caller 2403,Opened by  8,29/2/2016 01:16,Created by 6,29/2/2016 01:23,Updated by 642,29/2/2016 08:53,Phone,Location 143,Category 55,Subcategory 170,Symptom 72,?,2 - Medium,2 - Medium,3 - Moderate,Group 56,?,true,false,Do Not Notify,?,?,?,?,code 5,Resolved by 149,29/2/2016 11:29,5/3/2016 12:00
INC0000045,Resolved,true,0,0,3,true,Caller 2403,Opened by  8,29/2/2016 01:16,Created by 6,29/2/2016 01:23,Updated by 804,29/2/2016 11:29,Phone,Location 143,Category 55,Subcategory 170,Symptom 72,?,2 - Medium,2 - Medium,3 - Moderate,Group 56,?,true,false,Do Not Notify,?,?,?,?,code 5,Resolved by 149,29/2/2016 11:29,5/3/2016 12:00
INC0000045,Closed,false,0,0,4,true,Caller 2403,Opened by  8,29/2/2016 01:16,Created by 6,29/2/2016 01:23,Updated by 908,5/3/2016 12:00,Phone,Location 143,Category 55,Subcategory 170,Symptom 72,?,2 - Medium,2 - Medium,3 - Moderate,Group 56,?,true,false,Do Not Notify,?,?,?,?,code 5,Resolved by 149,29/2/2016 11:29,5/3/2016 12:00
INC0009198,Resolved,true,0,0,0,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 370,21/3/2016 08:45,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 94,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Active,true,0,1,1,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 68,21/3/2016 18:10,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 94,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Active,true,0,1,3,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 68,21/3/2016 18:10,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 94,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Active,true,1,1,4,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 131,21/3/2016 18:44,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,?,Resolver 94,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Resolved,true,1,1,5,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 467,21/3/2016 21:14,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,?,Resolver 126,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Closed,false,1,1,6,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 908,26/3/2016 21:59,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,?,Resolver 126,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0001686,Awaiting User Info,true,0,0,0,true,Caller 1322,Opened by  62,3/3/2016 09:30,Created by 33,3/3/2016 09:40,Updated by 133,3/3/2016 09:40,Phone,Location 204,Category 42,Subcategory 224,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 33,true,false,Do Not Notify,?,?,?,?,code 6,Resolved by 132,7/3/2016 11:55,24/3/2016 18:40
INC0001686,Resolved,true,1,0,2,true,Caller 1322,Opened by  62,3/3/2016 09:30,Created by 33,3/3/2016 09:40,Updated by 589,7/3/2016 11:55,Phone,Location 204,Category 42,Subcategory 224,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 39,?,true,false,Do Not Notify,?,?,?,?,code 6,Resolved by 132,7/3/2016 11:55,24/3/2016 18:40
INC0001686,Closed,false,1,0,3,false,Caller 1322,Opened by  62,3/3/2016 09:30,Created by 33,3/3/2016 09:40,Updated by 908,24/3/2016 18:40,Phone,Location 204,Category 42,Subcategory 224,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 39,?,true,false,Do Not Notify,?,?,?,?,code 6,Resolved by 132,7/3/2016 11:55,24/3/2016 18:40
INC0028089,New,true,0,0,0,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 578,10/5/2016 22:09,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,-100,true,0,0,1,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:02,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,-100,true,0,0,2,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:03,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,Resolved,true,0,0,3,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:03,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,true,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,Resolved,true,0,0,4,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 468,16/6/2016 13:02,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,true,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,Closed,false,0,0,5,false,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 908,21/6/2016 13:07,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,true,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
)";

constexpr std::int64_t kLines[] = {2, 3, 4, 5, 40868, 40869, 40870, 40871, 40872, 40873, 7079, 7080, 7081,
                                   115642, 115643, 115644, 115645, 115646, 115647};

// Teams named "Group N" get id 1000 + N.
std::int64_t team_of(std::string_view name) {
  return 1000 + std::stoll(std::string(name.substr(name.find(' ') + 1)));
}

// The incidents of `csv`, with each row's line set from kLines (the test text is compact).
std::vector<ServiceNowIncident> incidents_of(std::string_view csv, ServiceNowHeader* header = nullptr) {
  auto r = ServiceNowReader::open(csv);
  EXPECT_TRUE(r) << errors_of(r.error());
  std::vector<ServiceNowIncident> out;
  if (!r) return out;
  if (header) *header = r->header();
  std::size_t row = 0;
  while (true) {
    auto inc = r->next();
    EXPECT_TRUE(inc) << errors_of(inc.error());
    if (!inc || !*inc) break;
    for (auto& l : (*inc)->lines) l = row < std::size(kLines) ? kLines[row++] : l;
    out.push_back(std::move(**inc));
  }
  return out;
}

Result<ImportPlan> plan_of(const ServiceNowIncident& inc, const ServiceNowHeader& h) {
  return plan_servicenow(incident_type(), h, inc, team_of, kNow);
}

Instant T(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

TEST(ServiceNowTime, ReadsDayFirstMinuteTimesAsUtc) {
  EXPECT_EQ(parse_servicenow_time("29/2/2016 01:16"), T("2016-02-29T01:16:00Z"));
  EXPECT_EQ(parse_servicenow_time("5/3/2016 12:00"), T("2016-03-05T12:00:00Z"));
  EXPECT_EQ(parse_servicenow_time("16/02/2017 9:05:30"), T("2017-02-16T09:05:30Z"));
  for (const char* bad : {"31/2/2016 10:00", "2016-02-29 01:16", "29/2/16 01:16", "29/2/2016", "29/2/2016 1:6", "?", ""})
    EXPECT_FALSE(parse_servicenow_time(bad)) << bad;
}

TEST(ServiceNowReader, GroupsContiguousRowsByNumberAndRemembersWhereTheyAre) {
  ServiceNowHeader h;
  auto incs = incidents_of(kLog, &h);
  ASSERT_EQ(incs.size(), 4u);
  EXPECT_EQ(incs[0].number, "INC0000045");
  EXPECT_EQ(incs[0].rows.size(), 4u);
  EXPECT_EQ(incs[1].rows.size(), 6u);
  EXPECT_EQ(incs[2].rows.size(), 3u);
  EXPECT_EQ(incs[3].rows.size(), 6u);
  EXPECT_EQ(h.width, 36u);
  EXPECT_EQ(incs[0].rows[0][h.at(SnColumn::kCallerId)], "Caller 2403");
  // Reading again from where the second incident begins gives the same rows and lines.
  auto again = ServiceNowReader::resume(h, kLog, incs[1].begin, 3);
  auto inc = again.next();
  ASSERT_TRUE(inc && *inc);
  EXPECT_EQ((*inc)->number, "INC0009198");
  EXPECT_EQ((*inc)->rows, incs[1].rows);
  EXPECT_EQ((*inc)->lines, (std::vector<std::int64_t>{3, 4, 5, 6, 7, 8}));
  EXPECT_EQ((*inc)->end, incs[1].end);
  EXPECT_EQ(std::string_view(kLog).substr(incs[1].end).substr(0, 11), "INC0001686,");
}

TEST(ServiceNowReader, RefusesAFileWithoutTheColumnsItReads) {
  auto r = ServiceNowReader::open("number,incident_state,opened_at\nINC1,New,1/1/2016 00:00\n");
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_error(r.error(), "line 1", "no column 'sys_updated_at'")) << errors_of(r.error());
  EXPECT_FALSE(ServiceNowReader::open(""));
}

TEST(ServiceNowStates, MapOntoTheIncidentWorkflow) {
  EXPECT_EQ(servicenow_status("New"), "new");
  EXPECT_EQ(servicenow_status("Active"), "in_progress");
  EXPECT_EQ(servicenow_status("Awaiting User Info"), "pending_customer");
  EXPECT_EQ(servicenow_status("Awaiting Evidence"), "pending_customer");
  EXPECT_EQ(servicenow_status("Awaiting Problem"), "pending_supplier");
  EXPECT_EQ(servicenow_status("Awaiting Vendor"), "pending_supplier");
  EXPECT_EQ(servicenow_status("Resolved"), "resolved");
  EXPECT_EQ(servicenow_status("Closed"), "closed");
  EXPECT_FALSE(servicenow_status("-100"));
  const Workflow w = *incident_type().workflow;
  for (const char* s : {"New", "Active", "Awaiting User Info", "Awaiting Evidence", "Awaiting Problem",
                        "Awaiting Vendor", "Resolved", "Closed", "In Progress", "On Hold", "Canceled"})
    EXPECT_TRUE(w.has_state(*servicenow_status(s))) << s;
}

const json::object& changes_of(const PlannedEvent& e) { return e.data.at("changes").as_object(); }

// INC0000045: New (01:23), Resolved (08:53), Resolved again (11:29: when resolved_at took
// its recorded value), Closed (5 March 12:00).
TEST(PlanServiceNow, KeepsNumberPriorityTimestampsAndOneEventPerChangingRow) {
  ServiceNowHeader h;
  auto incs = incidents_of(kLog, &h);
  auto plan = plan_of(incs[0], h);
  ASSERT_TRUE(plan) << errors_of(plan.error());
  const json::object& v = plan->record.values;
  EXPECT_EQ(plan->record.status, "closed");
  EXPECT_EQ(plan->created_at, T("2016-02-29T01:16:00Z"));
  EXPECT_EQ(plan->updated_at, T("2016-03-05T12:00:00Z"));
  EXPECT_EQ(v.at("reported_at"), "2016-02-29T01:16:00Z");
  EXPECT_EQ(v.at("resolved_at"), "2016-02-29T11:29:00Z");
  EXPECT_EQ(v.at("closed_at"), "2016-03-05T12:00:00Z");
  EXPECT_EQ(v.at("title"), "Symptom 72");
  EXPECT_EQ(v.at("category"), "Category 55");
  EXPECT_EQ(v.at("subcategory"), "Subcategory 170");
  EXPECT_EQ(v.at("channel"), "phone");
  EXPECT_EQ(v.at("configuration_item"), nullptr);
  EXPECT_EQ(v.at("impact"), 2);
  EXPECT_EQ(v.at("urgency"), 2);
  EXPECT_EQ(v.at("priority"), "P3");
  EXPECT_EQ(v.at("assignment_group"), 1056);
  EXPECT_EQ(v.at("reassignment_count"), 0);
  EXPECT_EQ(v.at("reopen_count"), 0);
  EXPECT_EQ(v.at("resolution_code"), nullptr);  // the source's codes are anonymised: kept in the note
  EXPECT_EQ(v.at("resolution_note"), "closed_code: code 5\nresolved_by: Resolved by 149");
  EXPECT_EQ(v.at("description"),
            "ServiceNow incident INC0000045\ncaller_id: Caller 2403\nopened_by: Opened by  8\nsys_created_by: Created by 6\n"
            "location: Location 143\nmade_sla: true\nknowledge: true\nu_priority_confirmation: false\n"
            "notify: Do Not Notify");
  EXPECT_EQ(v.at("resolution_breached"), false);
  EXPECT_EQ(v.at("resolution_met_at"), "2016-02-29T11:29:00Z");
  EXPECT_EQ(v.at("sla_agreement"), nullptr);

  ASSERT_EQ(plan->events.size(), 4u);
  const auto& ev = plan->events;
  EXPECT_EQ(ev[0].action, "create");
  EXPECT_EQ(ev[0].at, T("2016-02-29T01:16:00Z"));
  EXPECT_EQ(ev[0].data.at("status"), "new");
  EXPECT_EQ(ev[0].data.at("values").at("priority"), "P3");
  EXPECT_EQ(ev[0].data.at("values").at("reassignment_count"), 0);
  EXPECT_FALSE(ev[0].data.at("values").as_object().contains("resolved_at"));
  EXPECT_EQ(ev[0].data.at("source"), (json::object{{"line", 2}, {"state", "New"}, {"sys_mod_count", 0}, {"sys_updated_by", "Updated by 21"}}));
  EXPECT_EQ(ev[1].action, "transition");
  EXPECT_EQ(ev[1].at, T("2016-02-29T08:53:00Z"));
  EXPECT_EQ(ev[1].data.at("from"), "new");
  EXPECT_EQ(ev[1].data.at("to"), "resolved");
  EXPECT_EQ(changes_of(ev[1]), (json::object{{"resolution_note", json::array{nullptr, v.at("resolution_note")}}}));
  EXPECT_EQ(ev[2].action, "update");
  EXPECT_EQ(ev[2].at, T("2016-02-29T11:29:00Z"));
  EXPECT_EQ(changes_of(ev[2]), (json::object{{"resolved_at", json::array{nullptr, "2016-02-29T11:29:00Z"}}}));
  EXPECT_EQ(ev[2].data.at("source").at("line"), 4);
  EXPECT_EQ(ev[3].action, "transition");
  EXPECT_EQ(ev[3].data.at("to"), "closed");
  EXPECT_EQ(changes_of(ev[3]), (json::object{{"closed_at", json::array{nullptr, "2016-03-05T12:00:00Z"}}}));
  for (const auto& e : ev) EXPECT_EQ(e.data.at("imported"), true);

  // The SLA clock reads the imported history like any other: new → resolved → closed.
  std::vector<HistoryEntry> history;
  for (const auto& e : ev) history.push_back({e.at, e.action, e.data});
  SlaTimeline tl = sla_timeline(history);
  EXPECT_EQ(tl.status, "new");
  EXPECT_EQ(tl.priority, "P3");
  ASSERT_EQ(tl.facts.size(), 2u);
}

// INC0009198: opened 08:31 and logged already resolved (08:45), reopened at 18:10
// (reopen_count 0 → 1), taken from Group 70 at 18:44 (reassignment_count 0 → 1), resolved
// again by another resolver at 21:14, closed on 26 March. Line 40870 changes only
// sys_mod_count: no event.
TEST(PlanServiceNow, RebuildsReopensAndReassignmentsWithTheSourceCounters) {
  ServiceNowHeader h;
  auto incs = incidents_of(kLog, &h);
  auto plan = plan_of(incs[1], h);
  ASSERT_TRUE(plan) << errors_of(plan.error());
  const auto& ev = plan->events;
  ASSERT_EQ(ev.size(), 6u);
  std::vector<std::string> actions;
  for (const auto& e : ev) actions.push_back(e.action + (e.data.contains("to") ? ":" + std::string(e.data.at("to").as_string()) : ""));
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "transition:resolved", "transition:in_progress", "update",
                                               "transition:resolved", "transition:closed"}));
  EXPECT_EQ(ev[1].at, T("2016-03-21T08:45:00Z"));
  EXPECT_EQ(changes_of(ev[2]).at("reopen_count"), (json::array{0, 1}));
  EXPECT_EQ(ev[2].data.at("source").at("line"), 40869);
  EXPECT_EQ(changes_of(ev[3]).at("assignment_group"), (json::array{1070, nullptr}));
  EXPECT_EQ(changes_of(ev[3]).at("reassignment_count"), (json::array{0, 1}));
  EXPECT_EQ(ev[3].data.at("source").at("line"), 40871);
  const std::string desc4(changes_of(ev[4]).at("description").as_array()[1].as_string());
  EXPECT_NE(desc4.find("assigned_to: Resolver 126"), std::string::npos) << desc4;
  EXPECT_EQ(changes_of(ev[4]).at("resolved_at"), (json::array{nullptr, "2016-03-21T21:14:00Z"}));
  const json::object& v = plan->record.values;
  EXPECT_EQ(v.at("reopen_count"), 1);
  EXPECT_EQ(v.at("reassignment_count"), 1);
  EXPECT_EQ(v.at("assignment_group"), nullptr);
  EXPECT_EQ(v.at("resolved_at"), "2016-03-21T21:14:00Z");
  EXPECT_EQ(v.at("resolution_note"), "closed_code: code 9");
}

// INC0001686: made_sla true until the closing row (24 March 18:40) shows false.
TEST(PlanServiceNow, KeepsMadeSlaAsTheResolutionTargetsVerdict) {
  ServiceNowHeader h;
  auto incs = incidents_of(kLog, &h);
  auto plan = plan_of(incs[2], h);
  ASSERT_TRUE(plan) << errors_of(plan.error());
  const json::object& v = plan->record.values;
  EXPECT_EQ(v.at("resolution_breached"), true);
  EXPECT_EQ(v.at("resolution_breached_at"), "2016-03-24T18:40:00Z");
  EXPECT_EQ(v.at("resolution_met_at"), nullptr);
  EXPECT_EQ(v.at("title"), "ServiceNow incident INC0001686");  // u_symptom is '?'
  ASSERT_EQ(plan->events.size(), 4u);
  EXPECT_EQ(plan->events[1].data.at("to"), "pending_customer");  // Awaiting User Info, logged so
  EXPECT_EQ(plan->events[1].data.at("source").at("state"), "Awaiting User Info");
  EXPECT_EQ(changes_of(plan->events[2]).at("assignment_group"), (json::array{1070, 1039}));
}

// INC0028089: two rows with state -100 keep the ticket where it was and, changing nothing
// else, write no event.
TEST(PlanServiceNow, RowsWithoutAStateKeepTheTicketsStatus) {
  ServiceNowHeader h;
  auto incs = incidents_of(kLog, &h);
  auto plan = plan_of(incs[3], h);
  ASSERT_TRUE(plan) << errors_of(plan.error());
  ASSERT_EQ(plan->events.size(), 4u);  // create, resolved (115645), resolved_at (115646), closed (115647)
  EXPECT_EQ(plan->events[1].data.at("from"), "new");
  EXPECT_EQ(plan->events[1].data.at("to"), "resolved");
  EXPECT_EQ(plan->events[1].data.at("source").at("line"), 115645);
  EXPECT_EQ(plan->events[2].action, "update");
  EXPECT_EQ(plan->events[2].data.at("source").at("line"), 115646);
  // made_sla turned false on the closing row: the description's line shows it there.
  const auto& desc = changes_of(plan->events[3]).at("description").as_array();
  EXPECT_NE(desc[0].as_string().find("made_sla: true"), std::string::npos);
  EXPECT_NE(desc[1].as_string().find("made_sla: false"), std::string::npos);
  EXPECT_EQ(plan->record.values.at("resolution_breached"), true);
  EXPECT_EQ(plan->record.values.at("resolution_breached_at"), "2016-06-21T13:07:00Z");
}

// A new source state that Ordo maps to the status the ticket already has is an update that
// names it (source.state), not a row dropped.
TEST(PlanServiceNow, ASourceStateChangeWithinOneOrdoStatusIsKept) {
  ServiceNowHeader h;
  auto incs = incidents_of(kLog, &h);
  ServiceNowIncident inc = incs[1];
  inc.rows[2][h.at(SnColumn::kIncidentState)] = "In Progress";  // line 40870: Active → In Progress
  auto plan = plan_of(inc, h);
  ASSERT_TRUE(plan) << errors_of(plan.error());
  ASSERT_EQ(plan->events.size(), 7u);
  EXPECT_EQ(plan->events[3].action, "update");
  EXPECT_EQ(changes_of(plan->events[3]), json::object{});
  EXPECT_EQ(plan->events[3].data.at("source").at("state"), "In Progress");
  EXPECT_EQ(plan->events[3].data.at("source").at("line"), 40870);
}

// A row dated before the event written before it is written at that event's time; its
// own time stays in source.sys_updated_at.
TEST(PlanServiceNow, AnEventIsNeverEarlierThanTheOneBeforeIt) {
  ServiceNowHeader h;
  auto incs = incidents_of(kLog, &h);
  ServiceNowIncident inc = incs[0];
  inc.rows[1][h.at(SnColumn::kSysUpdatedAt)] = "29/2/2016 00:50";  // before opened_at (01:16)
  auto plan = plan_of(inc, h);
  ASSERT_TRUE(plan) << errors_of(plan.error());
  EXPECT_EQ(plan->events[1].at, T("2016-02-29T01:16:00Z"));
  EXPECT_EQ(plan->events[1].data.at("source").at("sys_updated_at"), "2016-02-29T00:50:00Z");
  EXPECT_FALSE(plan->events[2].data.at("source").as_object().contains("sys_updated_at"));
}

TEST(PlanServiceNow, ReportsEveryBadValueWithItsLineAndColumn) {
  ServiceNowHeader h;
  auto incs = incidents_of(kLog, &h);
  ServiceNowIncident inc = incs[1];
  inc.rows[0][h.at(SnColumn::kIncidentState)] = "Parked";
  inc.rows[1][h.at(SnColumn::kImpact)] = "7 - Huge";
  inc.rows[2][h.at(SnColumn::kSysUpdatedAt)] = "2016-03-21 18:10";
  inc.rows[3][h.at(SnColumn::kReopenCount)] = "-1";
  inc.rows[4][h.at(SnColumn::kContactType)] = "Pigeon";
  inc.rows[5][h.at(SnColumn::kClosedAt)] = "1/1/2030 00:00";
  auto plan = plan_of(inc, h);
  ASSERT_FALSE(plan);
  const Error& e = plan.error();
  EXPECT_TRUE(has_error(e, "line 40868: incident_state", "unknown state 'Parked'")) << errors_of(e);
  EXPECT_TRUE(has_error(e, "line 40869: impact", "level 1 to 3")) << errors_of(e);
  EXPECT_TRUE(has_error(e, "line 40870: sys_updated_at", "d/m/yyyy")) << errors_of(e);
  EXPECT_TRUE(has_error(e, "line 40871: reopen_count", "≥ 0")) << errors_of(e);
  EXPECT_TRUE(has_error(e, "line 40872: contact_type", "unknown contact type 'Pigeon'")) << errors_of(e);
  EXPECT_TRUE(has_error(e, "line 40873: closed_at", "in the future")) << errors_of(e);

  inc = incs[0];
  inc.number = "INC-000001";
  inc.rows[2].pop_back();
  plan = plan_of(inc, h);
  ASSERT_FALSE(plan);
  EXPECT_TRUE(has_error(plan.error(), "line 2: number", "numbers Ordo gives")) << errors_of(plan.error());
  EXPECT_TRUE(has_error(plan.error(), "line 4", "has 35 fields; the header has 36")) << errors_of(plan.error());
}

}  // namespace
}  // namespace ordo
