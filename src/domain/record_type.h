// RecordType: the one declaration from which the generic engine derives a record type's
// table, validation, API routes, history and UI (DESIGN.md "One record model").
//
// A type is a list of typed fields, a number prefix, an ISO clause and an optional
// workflow. Declarations are plain data, built once at start-up and immutable afterwards,
// so they are safe to share between threads.
//
//   RecordType t{"incident", "incidents", "INC", "8.6.1"};
//   t.add(text("title").required().searchable())
//    .add(integer("impact").range(1, 3).required());
//   t.workflow = incident_workflow();
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "domain/access.h"
#include "domain/result.h"

namespace ordo {

enum class FieldKind { kText, kInt, kBool, kChoice, kRef, kTimestamp, kRefList, kJson };
std::string_view to_string(FieldKind k);

// Computes a derived field from the record's other (already validated) values.
using DeriveFn = std::function<boost::json::value(const boost::json::object& record)>;
// Checks a kJson field's value and returns its canonical form (errors name the field's
// members, e.g. "mon[0][1]"; the engine prefixes the field name).
using JsonCheck = std::function<Result<boost::json::value>(const boost::json::value& v)>;
// Cross-field checks of a whole record after its fields are valid: may canonicalise values
// and returns per-field errors. Pure (no I/O).
using RecordCheck = std::function<Result<void>(boost::json::object& values)>;

struct FieldDef {
  std::string name;
  FieldKind kind = FieldKind::kText;
  std::string label;
  bool is_required = false;
  bool is_searchable = false;  // part of the full-text index (q=)
  bool is_indexed = false;     // gets a (field, id) index for filters and sorts
  bool is_readonly = false;    // never accepted from clients (set by the engine)
  bool is_multiline = false;   // UI hint for text
  bool is_default_now = false; // kTimestamp: set to the command's time when absent on create
  bool is_internal = false;    // hidden from (and not writable by) portal requesters
  bool is_tenant = false;      // kRef to organisation: the customer the record belongs to
  std::string member_of;       // kRef to user: must be a member of the team in this field
  std::vector<std::string> choices;  // kChoice
  std::string ref_target;            // kRef: the referenced type's name
  std::optional<std::int64_t> min, max;  // kInt range
  std::size_t max_length = 20000;        // kText, in bytes
  DeriveFn derive;                       // set: computed on every write, read-only
  JsonCheck check_json;                  // kJson: validates and canonicalises the value
  std::string default_json;              // JSON text of the value used when absent on create

  FieldDef& required() { is_required = true; return *this; }
  FieldDef& searchable() { is_searchable = true; return *this; }
  FieldDef& indexed() { is_indexed = true; return *this; }
  FieldDef& readonly() { is_readonly = true; return *this; }
  FieldDef& multiline() { is_multiline = true; return *this; }
  FieldDef& defaults_now() { is_default_now = true; return *this; }
  FieldDef& internal() { is_internal = true; return *this; }
  FieldDef& tenant() { is_tenant = true; is_indexed = true; return *this; }
  FieldDef& must_be_member_of(std::string team_field) { member_of = std::move(team_field); return *this; }
  FieldDef& range(std::int64_t lo, std::int64_t hi) { min = lo; max = hi; return *this; }
  FieldDef& max_len(std::size_t n) { max_length = n; return *this; }
  FieldDef& labelled(std::string l) { label = std::move(l); return *this; }
  FieldDef& derived(DeriveFn fn) { derive = std::move(fn); is_readonly = true; return *this; }
  FieldDef& defaults_to(std::string json_text) { default_json = std::move(json_text); return *this; }
};

FieldDef text(std::string name);
FieldDef integer(std::string name);
FieldDef boolean(std::string name);
FieldDef choice(std::string name, std::vector<std::string> choices);
FieldDef ref(std::string name, std::string target);
FieldDef timestamp(std::string name);
// A list of references (ids), stored as a JSON array; not filterable or sortable.
FieldDef ref_list(std::string name, std::string target);
// A structured JSON value (object or array) checked by `check`; stored as JSON text, not
// filterable or sortable. Without a check any object or array is accepted.
FieldDef json_field(std::string name, JsonCheck check = {});

// A workflow as a table (STYLE.md §4): states, the legal transitions between them, the
// fields a state requires on entry, and the timestamp fields stamped on entry.
struct Workflow {
  std::string initial;
  std::vector<std::string> states;
  std::vector<std::string> final_states;  // no clock runs, no further work expected
  std::vector<std::pair<std::string, std::string>> transitions;  // (from, to)
  std::map<std::string, std::vector<std::string>> required_on_enter;
  std::map<std::string, std::string> stamp_on_enter;  // state -> timestamp field

  bool has_state(std::string_view s) const;
  bool allowed(std::string_view from, std::string_view to) const;
  std::vector<std::string> allowed_from(std::string_view from) const;
};

// A composite index for a report that reads many rows of a type. It holds every column the
// report reads, so a year over a million tickets is one pass over the index, with no lookup
// of the row behind each entry (the (field, id) indexes would need one per ticket: 3–4 s on
// 1M incidents, docs/performance.md). The table's index is named {plural}_{name}_idx
// (covering_index_name); the report names it on SQLite, whose planner has no statistics.
struct CoveringIndex {
  std::string name;                  // "sla_report"
  std::vector<std::string> columns;  // in index order: range column first
};

struct RecordType {
  std::string name;    // "incident"
  std::string plural;  // "incidents": the API path segment and the table name
  std::string prefix;  // "INC": numbers are PREFIX-000042
  std::string clause;  // ISO/IEC 20000-1 clause, "8.6.1"
  std::string label;   // "Incident"
  std::vector<FieldDef> fields;
  std::optional<Workflow> workflow;  // when set, the record has a `status` column
  std::vector<Policy> policies;      // per role (admin is always allowed): domain/access.h
  bool tenant_is_self = false;       // organisation: a requester's own organisation is its own record
  RecordCheck check;                 // cross-field rules, run after the fields validate
  // Non-empty: records of this type run SLA clocks (src/app/sla.cc); entering this state
  // meets the resolution target. The type then declares the engine-maintained sla_* fields
  // (sla_fields()).
  std::string sla_resolved_state;
  // Set: records of this type are tickets even without SLA clocks (e.g. problems). Tickets
  // have a conversation: comments, attachments, watchers and notifications
  // (src/app/conversation.cc, docs/tickets.md).
  bool conversation = false;
  std::vector<CoveringIndex> covering_indexes;

  RecordType& add(FieldDef f) { fields.push_back(std::move(f)); return *this; }
  // A piece of work people talk about: a type with a workflow that runs SLA clocks or that
  // declares `conversation`.
  bool is_ticket() const { return workflow.has_value() && (conversation || !sla_resolved_state.empty()); }
  const FieldDef* field(std::string_view name) const;
  bool has_searchable() const;
  const FieldDef* tenant_field() const;  // the field marked tenant(), or nullptr
};

// The read-only fields the SLA engine maintains on a ticket type (agreement, due times,
// met/breached instants per target), indexed for queues and the SLA report.
//
// Among them `is_open` (status neither the resolved state nor final), which the store keeps
// from the status on every insert and update. Queues filter on it, and the schema gives
// every type that has it the composite indexes a queue page needs to come from the index
// in SLA due order: (is_open, sla_due_at, id), and (assignee | assignment_group, is_open,
// sla_due_at, id) when the type has those fields.
std::vector<FieldDef> sla_fields();
// Whether a ticket in `status` still needs work (the value of is_open).
bool ticket_is_open(const RecordType& t, std::string_view status);

// The covering indexes of the reports over a ticket type with SLA clocks, satisfaction and
// the reopen/reassignment counters (src/app/report.cc): "sla_report" (every sla_* figure of
// both targets with the report's group keys, scanned whole) and "ticket_kpi" (led by the
// `resolved_field` stamp, range-scanned for the period, with the KPI inputs and group keys).
std::vector<CoveringIndex> ticket_report_indexes(const std::string& resolved_field);
// {plural}_{index.name}_idx
std::string covering_index_name(const RecordType& t, const CoveringIndex& index);
// The covering index of `t` called `name`, or nullptr.
const CoveringIndex* covering_index(const RecordType& t, std::string_view name);

// The customer-satisfaction answer kept on a ticket (8.3.2): rating 1-5, comment, when. Set
// once, by the requester, through POST /api/v1/{plural}/{id}/survey (src/app/survey.cc).
std::vector<FieldDef> satisfaction_fields();

// The columns every record has besides its declared fields.
bool is_system_field(std::string_view name);  // id, number, version, status, created_*, updated_at

}  // namespace ordo
