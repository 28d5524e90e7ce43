#include "domain/sla_history.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/registry.h"

namespace ordo {
namespace {

namespace json = boost::json;

HistoryEntry entry(Instant at, std::string action, const char* data) {
  return {at, std::move(action), json::parse(data).as_object()};
}

TEST(SlaTimeline, ReadsCreateTransitionsPriorityChangesAndPublicReplies) {
  std::vector<HistoryEntry> h{
      entry(100, "create", R"({"status":"new","values":{"priority":"P3","title":"x"}})"),
      entry(200, "reply", R"({"public":false})"),
      entry(250, "reply", R"({"public":true})"),
      entry(300, "update", R"({"changes":{"title":["x","y"]}})"),
      entry(400, "transition", R"({"changes":{"priority":["P3","P1"]},"from":"new","to":"in_progress"})"),
      entry(390, "sla.at_risk", R"({"target":"response"})"),
      entry(380, "update", R"({"changes":{"priority":["P1","P2"]}})"),  // clock skew: earlier than the one before
  };
  SlaTimeline tl = sla_timeline(h);
  EXPECT_EQ(tl.status, "new");
  EXPECT_EQ(tl.priority, "P3");
  ASSERT_EQ(tl.facts.size(), 4u);
  EXPECT_EQ(tl.facts[0].kind, TicketFact::Kind::kPublicReply);
  EXPECT_EQ(tl.facts[0].at, 250);
  EXPECT_EQ(tl.facts[1].kind, TicketFact::Kind::kPriority) << "the priority applies before the status change";
  EXPECT_EQ(tl.facts[1].value, "P1");
  EXPECT_EQ(tl.facts[2].kind, TicketFact::Kind::kStatus);
  EXPECT_EQ(tl.facts[2].value, "in_progress");
  EXPECT_EQ(tl.facts[3].value, "P2");
  EXPECT_EQ(tl.facts[3].at, 400) << "kept in time order";
}

TEST(SlaTimeline, StatusModelFollowsTheWorkflow) {
  StatusModel m = status_model(incident_type());
  EXPECT_EQ(m.initial, "new");
  EXPECT_EQ(m.resolved, "resolved");
  EXPECT_EQ(m.open, (std::vector<std::string>{"new", "in_progress", "pending_customer", "pending_supplier"}));
  EXPECT_EQ(m.final_statuses, (std::vector<std::string>{"closed", "cancelled"}));
}

TEST(PickAgreement, MostSpecificThenLatestThenLowestId) {
  std::vector<AgreementCandidate> c{
      {1, std::nullopt, std::nullopt, std::nullopt},  // everyone, forever
      {2, 7, std::nullopt, 1000},                     // customer 7 until 1000
      {3, 7, 500, std::nullopt},                      // customer 7 from 500
      {4, 8, std::nullopt, std::nullopt},             // customer 8
      {5, std::nullopt, std::nullopt, std::nullopt},  // everyone (higher id)
  };
  auto id = [&](std::optional<std::int64_t> customer, Instant at) -> std::int64_t {
    auto i = pick_agreement(c, customer, at);
    return i ? c[*i].id : 0;
  };
  EXPECT_EQ(id(7, 100), 2);    // the only one for 7 valid then
  EXPECT_EQ(id(7, 600), 3);    // both valid: the later valid_from
  EXPECT_EQ(id(7, 1000), 3);   // valid_to is exclusive
  EXPECT_EQ(id(9, 600), 1);    // no specific one: the general one with the lowest id
  EXPECT_EQ(id(std::nullopt, 600), 1);
  EXPECT_EQ(id(8, 0), 4);
  EXPECT_FALSE(pick_agreement(std::span<const AgreementCandidate>{}, 7, 0));
}

TEST(PickAgreement, TypeSpecificAfterCustomerSpecific) {
  std::vector<AgreementCandidate> c{
      {1, std::nullopt, std::nullopt, std::nullopt, ""},                 // every ticket
      {2, std::nullopt, std::nullopt, std::nullopt, "service_request"},  // requests of everyone
      {3, 7, std::nullopt, std::nullopt, ""},                            // every ticket of customer 7
      {4, 8, std::nullopt, std::nullopt, "incident"},                    // incidents of customer 8
  };
  auto id = [&](std::optional<std::int64_t> customer, std::string_view type) -> std::int64_t {
    auto i = pick_agreement(c, customer, 0, type);
    return i ? c[*i].id : 0;
  };
  EXPECT_EQ(id(9, "service_request"), 2);  // the type-specific one beats the general one
  EXPECT_EQ(id(9, "incident"), 1);         // a request-only agreement never covers incidents
  EXPECT_EQ(id(7, "service_request"), 3);  // the customer's own agreement is more specific still
  EXPECT_EQ(id(8, "incident"), 4);
  EXPECT_EQ(id(8, "service_request"), 2);
  EXPECT_EQ(id(9, ""), 1);                 // no type named: only agreements for every type
}

TEST(SlaTimeline, StatusModelOfServiceRequests) {
  StatusModel m = status_model(service_request_type());
  EXPECT_EQ(m.initial, "submitted");
  EXPECT_EQ(m.resolved, "fulfilled");
  EXPECT_EQ(m.open, (std::vector<std::string>{"submitted", "awaiting_approval", "approved", "fulfilling"}));
  EXPECT_EQ(m.final_statuses, (std::vector<std::string>{"rejected", "closed", "cancelled"}));
}

TEST(SlaColumns, NullWithoutAgreementAndFiguresWithOne) {
  // Every sla_* field is a clock figure except is_open, which the store keeps from the status.
  const std::size_t figures = sla_fields().size() - 1;
  json::object none = sla_columns(0, nullptr);
  for (const auto& [k, v] : none) EXPECT_TRUE(v.is_null()) << k;
  EXPECT_EQ(none.size(), figures);
  EXPECT_FALSE(none.contains("is_open"));

  ClockResult r;
  r.response = {SlaTarget::kResponse, "P2", ClockState::kMet, 600, 300, 0, std::nullopt, 1300};
  r.resolution = {SlaTarget::kResolution, "P2", ClockState::kRunning, 3600, 3700, 0, 5000, std::nullopt, true, 4900};
  r.resolution.at_risk = false;
  json::object cols = sla_columns(9, &r);
  EXPECT_EQ(cols.size(), figures);
  EXPECT_EQ(cols["sla_agreement"], 9);
  EXPECT_EQ(cols["response_met_at"].as_string(), format_rfc3339(1300));
  EXPECT_EQ(cols["response_breached"], false);
  EXPECT_TRUE(cols["response_due_at"].is_null());
  EXPECT_EQ(cols["resolution_breached"], true);
  EXPECT_EQ(cols["resolution_breached_at"].as_string(), format_rfc3339(4900));
  EXPECT_EQ(cols["sla_due_at"].as_string(), format_rfc3339(5000));
  EXPECT_EQ(cols["sla_at_risk"], false);
}

}  // namespace
}  // namespace ordo
