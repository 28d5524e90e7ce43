// From a ticket's stored history to the SLA clock's input, and from the clock's result to
// the ticket's sla_* fields: the pure halves of the SLA engine (the I/O half is
// src/app/sla.cc). Because the clock's input is rebuilt from the hash-chained events, every
// figure can be recomputed at any time from the record's history.
//
//   std::vector<HistoryEntry> h = ...;                       // the ticket's events, in order
//   SlaTimeline tl = sla_timeline(h);                          // priority/status at create + facts
//   auto r = evaluate_sla_clock(cal, terms, model, {.reported_at = rep, .priority = tl.priority,
//                                                   .timeline = tl.facts, .now = now});
//   boost::json::object cols = sla_columns(agreement_id, *r);  // sla_due_at, response_met_at, …
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/clock.h"
#include "domain/record_type.h"
#include "domain/sla_clock.h"

namespace ordo {

// One stored event of the ticket, as the clock needs it.
struct HistoryEntry {
  Instant at = 0;
  std::string action;         // create, update, transition, reply, sla.at_risk, ...
  boost::json::object data;   // the event's data (see src/app/records.cc)
};

struct SlaTimeline {
  std::string priority;  // at creation
  std::string status;    // at creation
  std::vector<TicketFact> facts;  // ordered by time
};

// Reads, in order: the create event's values.priority and status; transitions (data.to)
// and priority changes (data.changes.priority = [old, new]) as facts; "reply" events with
// data.public == true as public replies. Other events are ignored. An event stamped earlier
// than the one before it (clock skew between nodes) counts at the earlier event's time, so
// facts stay ordered.
SlaTimeline sla_timeline(std::span<const HistoryEntry> history);

// The StatusModel of a ticket type with a workflow: initial state, open states (neither
// final nor `resolved_state`), the resolved state and the final ones.
StatusModel status_model(const RecordType& t);

// An agreement as matching needs it.
struct AgreementCandidate {
  std::int64_t id = 0;
  std::optional<std::int64_t> customer;  // null: every customer of the service
  std::optional<Instant> valid_from, valid_to;
  std::string applies_to;  // the ticket type it covers ("incident"); empty: every ticket type
};

// DESIGN.md: the most specific agreement wins. Among the candidates (SLAs of the ticket's
// service) valid at `at` (valid_from <= at < valid_to, open ends unbounded), applying to
// the ticket's customer (theirs or unrestricted) and to its type `ticket_type` (that type or
// unrestricted): one for this customer beats one for every customer; then one for this
// ticket type beats one for every type; then the latest valid_from; then the lowest id.
// nullopt when none applies.
std::optional<std::size_t> pick_agreement(std::span<const AgreementCandidate> candidates,
                                          std::optional<std::int64_t> customer, Instant at,
                                          std::string_view ticket_type = {});

// The ticket's sla_* fields (record_type.h sla_fields()) for a clock result; all null when
// no agreement applies (agreement_id == 0 or result == nullptr). sla_due_at is the earliest
// due_at of the running targets.
boost::json::object sla_columns(std::int64_t agreement_id, const ClockResult* result);

}  // namespace ordo
