#include "domain/validation.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/registry.h"

namespace ordo {
namespace {

namespace json = boost::json;

const Instant kNow = *parse_rfc3339("2026-03-02T09:15:00Z");

json::object obj(std::string_view s) { return json::parse(s).as_object(); }

bool has_field_error(const Error& e, std::string_view field) {
  for (const auto& f : e.fields)
    if (f.field == field) return true;
  return false;
}

TEST(ValidateCreate, DerivesPriorityAndDefaults) {
  auto r = validate_create(incident_type(), obj(R"({"title":"Mail down","impact":1,"urgency":2})"), kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->values.at("priority"), "P2");
  EXPECT_EQ(r->values.at("reported_at"), "2026-03-02T09:15:00Z");
  EXPECT_EQ(r->status, "new");
  EXPECT_TRUE(r->values.at("description").is_null());
}

TEST(ValidateCreate, RejectsMissingUnknownReadonlyAndWrongTypes) {
  auto r = validate_create(incident_type(),
                           obj(R"({"impact":"high","urgency":4,"bogus":1,"priority":"P1","status":"closed","id":3})"),
                           kNow);
  ASSERT_FALSE(r);
  const Error& e = r.error();
  EXPECT_EQ(e.kind, ErrorKind::kInvalid);
  EXPECT_TRUE(has_field_error(e, "title"));
  EXPECT_TRUE(has_field_error(e, "impact"));
  EXPECT_TRUE(has_field_error(e, "urgency"));
  EXPECT_TRUE(has_field_error(e, "bogus"));
  EXPECT_TRUE(has_field_error(e, "priority"));
  EXPECT_TRUE(has_field_error(e, "status"));
  EXPECT_TRUE(has_field_error(e, "id"));
}

TEST(ValidateCreate, NormalisesTimestampsToUtc) {
  auto r = validate_create(incident_type(),
                           obj(R"({"title":"x","impact":2,"urgency":2,"reported_at":"2026-03-02T10:00:00+01:00"})"), kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->values.at("reported_at"), "2026-03-02T09:00:00Z");
  auto bad = validate_create(incident_type(), obj(R"({"title":"x","impact":2,"urgency":2,"reported_at":"yesterday"})"), kNow);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(has_field_error(bad.error(), "reported_at"));
}

TEST(ValidateCreate, RejectsOverlongAndInvalidUtf8Text) {
  std::string big(600, 'a');
  auto r = validate_create(incident_type(), json::object{{"title", big}, {"impact", 1}, {"urgency", 1}}, kNow);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_field_error(r.error(), "title"));
  auto u = validate_create(incident_type(), json::object{{"title", "\xff\xfe"}, {"impact", 1}, {"urgency", 1}}, kNow);
  ASSERT_FALSE(u);
}

TEST(ValidatePatch, RecomputesDerivedAndReportsChanges) {
  auto c = validate_create(incident_type(), obj(R"({"title":"x","impact":3,"urgency":3})"), kNow);
  ASSERT_TRUE(c);
  auto p = validate_patch(incident_type(), c->values, obj(R"({"impact":1,"version":1})"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->values.at("priority"), "P3");
  ASSERT_TRUE(p->changes.contains("priority"));
  EXPECT_EQ(p->changes.at("priority").as_array()[0], "P4");
  EXPECT_EQ(p->changes.at("impact").as_array()[1], 1);
  EXPECT_FALSE(p->changes.contains("title"));
}

TEST(ValidatePatch, CannotBlankARequiredField) {
  auto c = validate_create(incident_type(), obj(R"({"title":"x","impact":3,"urgency":3})"), kNow);
  auto p = validate_patch(incident_type(), c->values, obj(R"({"title":""})"));
  ASSERT_FALSE(p);
  EXPECT_TRUE(has_field_error(p.error(), "title"));
}

// Every transition of the incident workflow table, and every illegal pair.
TEST(ValidateTransition, FollowsTheWorkflowTable) {
  const RecordType t = incident_type();
  const Workflow& w = *t.workflow;
  auto c = validate_create(t, obj(R"({"title":"x","impact":3,"urgency":3})"), kNow);
  json::object body_extra{{"resolution_code", "fixed"}, {"resolution_note", "done"}};
  for (const auto& from : w.states) {
    for (const auto& to : w.states) {
      json::object body = body_extra;
      body["to"] = to;
      auto r = validate_transition(t, c->values, from, body, kNow);
      if (w.allowed(from, to)) {
        EXPECT_TRUE(r) << from << " -> " << to << ": " << r.error().message;
        if (r) EXPECT_EQ(r->status, to);
      } else {
        ASSERT_FALSE(r) << from << " -> " << to;
        EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
        EXPECT_EQ(r.error().allowed, w.allowed_from(from));
      }
    }
  }
}

TEST(ValidateTransition, ResolvedNeedsCodeAndNoteAndStampsTime) {
  const RecordType t = incident_type();
  auto c = validate_create(t, obj(R"({"title":"x","impact":3,"urgency":3})"), kNow);
  auto r = validate_transition(t, c->values, "in_progress", obj(R"({"to":"resolved"})"), kNow);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_field_error(r.error(), "resolution_code"));
  EXPECT_TRUE(has_field_error(r.error(), "resolution_note"));
  auto ok = validate_transition(t, c->values, "in_progress",
                                obj(R"({"to":"resolved","resolution_code":"fixed","resolution_note":"n"})"), kNow + 60);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->values.at("resolved_at"), "2026-03-02T09:16:00Z");
}

TEST(ValidateTransition, UnknownTargetIsInvalid) {
  const RecordType t = incident_type();
  auto c = validate_create(t, obj(R"({"title":"x","impact":3,"urgency":3})"), kNow);
  auto r = validate_transition(t, c->values, "new", obj(R"({"to":"flying"})"), kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  auto missing = validate_transition(t, c->values, "new", obj(R"({})"), kNow);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(has_field_error(missing.error(), "to"));
}

}  // namespace
}  // namespace ordo
