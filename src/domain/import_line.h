// One line of an incident import (docs/import/ndjson.md): parsing and planning, pure.
//
// A line describes an incident as another tool knew it, with its past: when it was
// reported and a timeline of status changes, priority changes and public replies.
// parse_import_line checks the line's shape (members, types, timestamps, time order)
// without the database; plan_import turns a parsed line and the ids its names resolved to
// into what the engine writes: the record's final state and one event per step of its
// history, each at its original time, in the same form as the events of the live commands
// (src/app/records.cc), so the history view and the SLA clock (domain/sla_history.h) read
// them like any others.
//
// Imported history need not follow the workflow's transitions (other tools have other
// workflows): a status entry may name any state of the type's workflow except the one the
// ticket is already in. It must still carry what the state requires on entry (an incident
// entering `resolved` needs resolution_code and resolution_note, unless it had them from an
// earlier entry), and entering a state stamps its timestamp field (resolved_at, closed_at)
// at the entry's time. A priority entry overrides the priority derived from impact and
// urgency from then on.
//
// Errors name the member ("service", "timeline[2].status"; "" for the line as a whole); the
// caller adds the line number. Pure and thread-safe.
//
//   auto line = parse_import_line(R"({"title":"Mail down","impact":2,"urgency":2,…})", now);
//   auto plan = plan_import(incident_type(), *line, {.service = 3, .customer = 7});
//   // plan->record: final values and status; plan->events: create, transition, update, reply
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/clock.h"
#include "domain/record_type.h"
#include "domain/result.h"
#include "domain/validation.h"

namespace ordo {

inline constexpr std::size_t kMaxImportTimeline = 1000;  // entries per line
inline constexpr std::size_t kMaxImportNumber = 64;      // bytes of a kept number

// One timeline entry.
struct ImportStep {
  enum class Kind { kStatus, kPriority, kPublicReply };
  Kind kind = Kind::kStatus;
  Instant at = 0;
  std::string value;           // the status or the priority
  boost::json::object fields;  // status entries: resolution_code, resolution_note as given
};

struct ImportLine {
  std::string number;          // empty: the type's own numbering
  boost::json::object fields;  // title, description, impact, urgency as given (checked by plan_import)
  Instant reported_at = 0;
  std::string service, customer, assignment_group;  // names; empty: none
  std::vector<ImportStep> timeline;                 // in time order, none before reported_at
};

// Parses one non-blank line. kInvalid with every shape error of the line: malformed JSON,
// unknown members, wrong types, timestamps that are not RFC 3339, in the future (after
// `now`) or out of order.
Result<ImportLine> parse_import_line(std::string_view text, Instant now);

// The ids the line's names resolved to (nullopt: the line named none).
struct ImportRefs {
  std::optional<std::int64_t> service, customer, assignment_group;
};

struct PlannedEvent {
  Instant at = 0;
  std::string action;  // create, transition, update, reply
  boost::json::object data;
};

struct ImportPlan {
  Change record;               // the final field values and status (Change::changes unused)
  Instant created_at = 0;      // reported_at
  Instant updated_at = 0;      // the last entry's time (reported_at without a timeline)
  std::vector<PlannedEvent> events;  // the create first; the caller adds "number" to its data
};

// Checks the line against the record type (field rules, statuses, priorities, fields
// required on entering a state, the kept number) and builds the plan. kInvalid with every
// error of the line.
Result<ImportPlan> plan_import(const RecordType& t, const ImportLine& line, const ImportRefs& refs);

// A number an import may keep: 1 to kMaxImportNumber printable ASCII characters, no spaces.
bool valid_import_number(std::string_view number);

// True for numbers of the type's own form (INC-000042), which an import may not keep: the
// type's counter would hand them out again.
bool is_native_number(const RecordType& t, std::string_view number);

}  // namespace ordo
