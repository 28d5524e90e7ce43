#include "domain/import_line.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/registry.h"
#include "domain/sla_history.h"

namespace ordo {
namespace {

namespace json = boost::json;

const Instant kNow = *parse_rfc3339("2026-03-10T12:00:00Z");

bool has_field_error(const Error& e, std::string_view field, std::string_view message_part = {}) {
  for (const auto& f : e.fields)
    if (f.field == field && f.message.find(message_part) != std::string::npos) return true;
  return false;
}

std::string errors_of(const Error& e) {
  std::string s = e.message;
  for (const auto& f : e.fields) s += "\n  " + f.field + ": " + f.message;
  return s;
}

constexpr const char* kFull = R"({"number":"EXT-1","title":"Mail down","description":"No mail","service":"Email",
  "customer":"Acme","assignment_group":"Desk","impact":2,"urgency":2,"reported_at":"2026-03-02T08:55:00Z",
  "timeline":[{"at":"2026-03-02T09:05:00Z","status":"in_progress"},
              {"at":"2026-03-02T09:30:00Z","priority":"P1"},
              {"at":"2026-03-02T09:40:00Z","public_reply":true},
              {"at":"2026-03-02T11:00:00Z","status":"resolved","resolution_code":"fixed","resolution_note":"Restarted"},
              {"at":"2026-03-03T11:00:00Z","status":"closed"}]})";

TEST(ParseImportLine, ReadsEveryMember) {
  auto line = parse_import_line(kFull, kNow);
  ASSERT_TRUE(line) << errors_of(line.error());
  EXPECT_EQ(line->number, "EXT-1");
  EXPECT_EQ(line->service, "Email");
  EXPECT_EQ(line->customer, "Acme");
  EXPECT_EQ(line->assignment_group, "Desk");
  EXPECT_EQ(line->reported_at, *parse_rfc3339("2026-03-02T08:55:00Z"));
  EXPECT_EQ(line->fields.at("title"), "Mail down");
  ASSERT_EQ(line->timeline.size(), 5u);
  EXPECT_EQ(line->timeline[0].kind, ImportStep::Kind::kStatus);
  EXPECT_EQ(line->timeline[1].kind, ImportStep::Kind::kPriority);
  EXPECT_EQ(line->timeline[1].value, "P1");
  EXPECT_EQ(line->timeline[2].kind, ImportStep::Kind::kPublicReply);
  EXPECT_EQ(line->timeline[3].fields.at("resolution_code"), "fixed");
}

TEST(ParseImportLine, MinimalLineHasNoTimelineAndNoNames) {
  auto line = parse_import_line(R"({"title":"x","impact":3,"urgency":3,"reported_at":"2026-03-02T08:55:00+01:00"})", kNow);
  ASSERT_TRUE(line) << errors_of(line.error());
  EXPECT_TRUE(line->number.empty());
  EXPECT_TRUE(line->service.empty());
  EXPECT_TRUE(line->timeline.empty());
  EXPECT_EQ(line->reported_at, *parse_rfc3339("2026-03-02T07:55:00Z"));
}

TEST(ParseImportLine, MalformedJsonAndNonObjectsNameTheWholeLine) {
  for (const char* text : {"{\"title\":", "[1,2]", "42", "\"x\""}) {
    auto line = parse_import_line(text, kNow);
    ASSERT_FALSE(line) << text;
    EXPECT_EQ(line.error().kind, ErrorKind::kInvalid);
    ASSERT_EQ(line.error().fields.size(), 1u) << text;
    EXPECT_EQ(line.error().fields[0].field, "") << text;
  }
}

TEST(ParseImportLine, ReportsEveryShapeErrorOfTheLine) {
  auto line = parse_import_line(R"({"number":"has space","status":"closed","priority":"P1","bogus":1,"service":"",
    "customer":7,"reported_at":"yesterday","timeline":{}})", kNow);
  ASSERT_FALSE(line);
  const Error& e = line.error();
  EXPECT_TRUE(has_field_error(e, "number")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "status", "timeline")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "priority", "derived")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "bogus", "unknown")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "service")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "customer")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "reported_at", "RFC 3339")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline", "array")) << errors_of(e);
}

TEST(ParseImportLine, ReportedAtIsRequiredAndNotInTheFuture) {
  auto missing = parse_import_line(R"({"title":"x","impact":3,"urgency":3})", kNow);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(has_field_error(missing.error(), "reported_at", "required"));
  auto future = parse_import_line(R"({"title":"x","impact":3,"urgency":3,"reported_at":"2026-03-10T12:00:01Z"})", kNow);
  ASSERT_FALSE(future);
  EXPECT_TRUE(has_field_error(future.error(), "reported_at", "future"));
}

TEST(ParseImportLine, TimelineEntriesAreCheckedOneByOne) {
  auto line = parse_import_line(R"({"title":"x","impact":3,"urgency":3,"reported_at":"2026-03-02T09:00:00Z","timeline":[
      {"at":"2026-03-02T08:59:59Z","status":"in_progress"},
      {"status":"in_progress"},
      {"at":"2026-03-02T09:10:00Z"},
      {"at":"2026-03-02T09:10:00Z","status":"in_progress","priority":"P1"},
      {"at":"2026-03-02T09:10:00Z","public_reply":false},
      {"at":"2026-03-02T09:10:00Z","priority":"P1","resolution_code":"fixed"},
      {"at":"2026-03-02T09:10:00Z","status":"resolved","colour":"red"},
      "in_progress",
      {"at":"2026-03-02T10:00:00Z","status":"in_progress"},
      {"at":"2026-03-02T09:30:00Z","status":"resolved"},
      {"at":"2026-03-11T00:00:00Z","status":"closed"}]})",
                                kNow);
  ASSERT_FALSE(line);
  const Error& e = line.error();
  EXPECT_TRUE(has_field_error(e, "timeline[0].at", "before reported_at")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[1].at", "required")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[2]", "needs one of")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[3]", "more than one")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[4].public_reply", "must be true")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[5].resolution_code", "status entry")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[6].colour", "unknown")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[7]", "object")) << errors_of(e);
  // Entry 8 is good; 9 goes back in time before it; 10 is in the future.
  EXPECT_FALSE(has_field_error(e, "timeline[8].at")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[9].at", "before timeline[8].at")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[10].at", "future")) << errors_of(e);
}

TEST(ParseImportLine, EqualTimesAreInOrder) {
  auto line = parse_import_line(R"({"title":"x","impact":3,"urgency":3,"reported_at":"2026-03-02T09:00:00Z","timeline":[
      {"at":"2026-03-02T09:00:00Z","status":"in_progress"},{"at":"2026-03-02T09:00:00Z","public_reply":true}]})",
                                kNow);
  ASSERT_TRUE(line) << errors_of(line.error());
  EXPECT_EQ(line->timeline.size(), 2u);
}

TEST(ParseImportLine, TimelineLengthIsBounded) {
  std::string tl;
  for (std::size_t i = 0; i <= kMaxImportTimeline; ++i)
    tl += std::string(i ? "," : "") + R"({"at":"2026-03-02T09:00:00Z","public_reply":true})";
  auto line = parse_import_line(R"({"title":"x","impact":3,"urgency":3,"reported_at":"2026-03-02T09:00:00Z","timeline":[)" + tl + "]}", kNow);
  ASSERT_FALSE(line);
  EXPECT_TRUE(has_field_error(line.error(), "timeline", "more than"));
}

ImportPlan plan_of(const char* text, ImportRefs refs = {.service = 3, .customer = 7, .assignment_group = 2}) {
  auto line = parse_import_line(text, kNow);
  EXPECT_TRUE(line) << errors_of(line.error());
  if (!line) return {};
  auto plan = plan_import(incident_type(), *line, refs);
  EXPECT_TRUE(plan) << errors_of(plan.error());
  return plan ? std::move(*plan) : ImportPlan{};
}

TEST(PlanImport, OneEventPerEntryAtItsOriginalTime) {
  ImportPlan p = plan_of(kFull);
  ASSERT_EQ(p.events.size(), 6u);
  EXPECT_EQ(p.events[0].action, "create");
  EXPECT_EQ(p.events[0].at, *parse_rfc3339("2026-03-02T08:55:00Z"));
  EXPECT_EQ(p.events[0].data.at("imported"), true);
  EXPECT_EQ(p.events[0].data.at("status"), "new");
  const auto& created = p.events[0].data.at("values").as_object();
  EXPECT_EQ(created.at("priority"), "P3");
  EXPECT_EQ(created.at("service"), 3);
  EXPECT_EQ(created.at("customer"), 7);
  EXPECT_EQ(created.at("assignment_group"), 2);
  EXPECT_EQ(created.at("reported_at"), "2026-03-02T08:55:00Z");
  EXPECT_FALSE(created.contains("resolved_at"));  // nulls are left out, as in a live create

  EXPECT_EQ(p.events[1].action, "transition");
  EXPECT_EQ(p.events[1].data.at("from"), "new");
  EXPECT_EQ(p.events[1].data.at("to"), "in_progress");
  EXPECT_EQ(p.events[2].action, "update");
  EXPECT_EQ(p.events[2].data.at("changes").at("priority"), (json::array{"P3", "P1"}));
  EXPECT_EQ(p.events[3].action, "reply");
  EXPECT_EQ(p.events[3].data.at("public"), true);
  EXPECT_EQ(p.events[4].data.at("to"), "resolved");
  EXPECT_EQ(p.events[4].data.at("changes").at("resolved_at"), (json::array{nullptr, "2026-03-02T11:00:00Z"}));
  EXPECT_EQ(p.events[4].data.at("changes").at("resolution_code"), (json::array{nullptr, "fixed"}));
  EXPECT_EQ(p.events[5].data.at("from"), "resolved");
  EXPECT_EQ(p.events[5].data.at("to"), "closed");
  EXPECT_EQ(p.events[5].at, *parse_rfc3339("2026-03-03T11:00:00Z"));

  EXPECT_EQ(p.record.status, "closed");
  EXPECT_EQ(p.record.values.at("priority"), "P1");  // the override, not the matrix's P3
  EXPECT_EQ(p.record.values.at("resolved_at"), "2026-03-02T11:00:00Z");
  EXPECT_EQ(p.record.values.at("closed_at"), "2026-03-03T11:00:00Z");
  EXPECT_EQ(p.record.values.at("resolution_note"), "Restarted");
  EXPECT_EQ(p.created_at, *parse_rfc3339("2026-03-02T08:55:00Z"));
  EXPECT_EQ(p.updated_at, *parse_rfc3339("2026-03-03T11:00:00Z"));
}

// The plan's events, read back the way the SLA engine reads stored history, give the
// clock exactly the timeline of the line.
TEST(PlanImport, TheSlaClockReadsThePlannedEvents) {
  ImportPlan p = plan_of(kFull);
  std::vector<HistoryEntry> history;
  for (const auto& e : p.events) history.push_back({e.at, e.action, e.data});
  SlaTimeline tl = sla_timeline(history);
  EXPECT_EQ(tl.priority, "P3");
  EXPECT_EQ(tl.status, "new");
  ASSERT_EQ(tl.facts.size(), 5u);
  EXPECT_EQ(tl.facts[0].at, *parse_rfc3339("2026-03-02T09:05:00Z"));
  EXPECT_EQ(tl.facts[4].at, *parse_rfc3339("2026-03-03T11:00:00Z"));
}

TEST(PlanImport, HistoryNeedNotFollowTheWorkflowButStatusesMustExist) {
  // new -> resolved directly, then closed -> in_progress: not legal live, fine for history.
  ImportPlan p = plan_of(R"({"title":"x","impact":3,"urgency":3,"reported_at":"2026-03-02T09:00:00Z","timeline":[
      {"at":"2026-03-02T10:00:00Z","status":"resolved","resolution_code":"fixed","resolution_note":"n"},
      {"at":"2026-03-02T11:00:00Z","status":"closed"},
      {"at":"2026-03-02T12:00:00Z","status":"in_progress"}]})");
  EXPECT_EQ(p.record.status, "in_progress");
  EXPECT_EQ(p.updated_at, *parse_rfc3339("2026-03-02T12:00:00Z"));

  auto line = parse_import_line(R"({"title":"x","impact":3,"urgency":3,"reported_at":"2026-03-02T09:00:00Z","timeline":[
      {"at":"2026-03-02T10:00:00Z","status":"on_hold"},
      {"at":"2026-03-02T10:00:00Z","status":"new"},
      {"at":"2026-03-02T10:00:00Z","priority":"P9"},
      {"at":"2026-03-02T10:00:00Z","priority":"P4"},
      {"at":"2026-03-02T10:00:00Z","status":"resolved","resolution_code":"magic"}]})",
                                kNow);
  ASSERT_TRUE(line) << errors_of(line.error());
  auto bad = plan_import(incident_type(), *line, {});
  ASSERT_FALSE(bad);
  const Error& e = bad.error();
  EXPECT_TRUE(has_field_error(e, "timeline[0].status", "unknown status 'on_hold'")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[1].status", "already 'new'")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[2].priority", "one of")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[3].priority", "already P4")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[4].resolution_code", "one of")) << errors_of(e);
  EXPECT_TRUE(has_field_error(e, "timeline[4].resolution_note", "required to enter 'resolved'")) << errors_of(e);
}

TEST(PlanImport, AReopenedTicketKeepsItsResolutionForTheSecondResolve) {
  ImportPlan p = plan_of(R"({"title":"x","impact":3,"urgency":3,"reported_at":"2026-03-02T09:00:00Z","timeline":[
      {"at":"2026-03-02T10:00:00Z","status":"resolved","resolution_code":"fixed","resolution_note":"n"},
      {"at":"2026-03-02T11:00:00Z","status":"in_progress"},
      {"at":"2026-03-02T12:00:00Z","status":"resolved"}]})");
  EXPECT_EQ(p.record.status, "resolved");
  EXPECT_EQ(p.record.values.at("resolved_at"), "2026-03-02T12:00:00Z");
  // The counters are kept as the live process keeps them, so "= 0" filters find tickets.
  EXPECT_EQ(p.record.values.at("reopen_count"), 1);
  EXPECT_EQ(p.record.values.at("reassignment_count"), 0);
  EXPECT_EQ(p.events[2].data.at("changes").at("reopen_count"), (json::array{0, 1}));
}

TEST(PlanImport, RecordFieldsAreCheckedByTheType) {
  auto line = parse_import_line(R"({"impact":0,"urgency":"high","reported_at":"2026-03-02T09:00:00Z"})", kNow);
  ASSERT_TRUE(line) << errors_of(line.error());
  auto bad = plan_import(incident_type(), *line, {});
  ASSERT_FALSE(bad);
  EXPECT_TRUE(has_field_error(bad.error(), "title", "required")) << errors_of(bad.error());
  EXPECT_TRUE(has_field_error(bad.error(), "impact")) << errors_of(bad.error());
  EXPECT_TRUE(has_field_error(bad.error(), "urgency")) << errors_of(bad.error());
}

TEST(PlanImport, NativeNumbersAreRefused) {
  EXPECT_TRUE(is_native_number(incident_type(), "INC-000042"));
  EXPECT_TRUE(is_native_number(incident_type(), "INC-7"));
  EXPECT_FALSE(is_native_number(incident_type(), "INC-"));
  EXPECT_FALSE(is_native_number(incident_type(), "INC0010001"));
  EXPECT_FALSE(is_native_number(incident_type(), "INC-12a"));
  EXPECT_FALSE(is_native_number(incident_type(), "EXT-1"));
  auto line = parse_import_line(R"({"number":"INC-000042","title":"x","impact":3,"urgency":3,"reported_at":"2026-03-02T09:00:00Z"})", kNow);
  ASSERT_TRUE(line);
  auto bad = plan_import(incident_type(), *line, {});
  ASSERT_FALSE(bad);
  EXPECT_TRUE(has_field_error(bad.error(), "number", "leave it out")) << errors_of(bad.error());
}

}  // namespace
}  // namespace ordo
