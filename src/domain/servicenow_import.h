// ServiceNow's incident event log (CSV) → Ordo incidents with their history: reading and
// planning, pure (docs/import/servicenow.md has the mapping, column by column).
//
// The log has one row per audit snapshot of an incident: every column as it was after one
// update. An incident's rows are contiguous, in the order the source wrote them.
// ServiceNowReader reads the file one incident at a time (header checked once; any column
// order; extra columns ignored). plan_servicenow turns one incident's rows into what the
// engine writes, in the same form as the NDJSON import (domain/import_line.h, ImportPlan):
//
//   - the record in its final state, with the source's number, priority, counters
//     (reassignment_count, reopen_count) and timestamps (opened_at → reported_at,
//     resolved_at, closed_at) as recorded, and the source's made_sla verdict as the
//     resolution SLA figures (resolution_breached, resolution_met_at / _breached_at);
//   - a `create` at opened_at with the first row's values, then one event per row that
//     changed something: a `transition` when the state changed, otherwise an `update`, each
//     at the row's sys_updated_at with the Ordo fields it changed ({field: [old, new]}) and
//     a `source` member naming the row (line, state label, sys_mod_count, sys_updated_by).
//     Rows that changed nothing but the sys_* bookkeeping columns write no event.
//
// Errors name the line and the column ("line 12: impact"). Pure and thread-safe.
//
//   auto reader = ServiceNowReader::open(csv);
//   while (auto inc = reader->next(), ...) {
//     auto plan = plan_servicenow(incident_type(), reader->header(), **inc, team_id, now);
//   }
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.h"
#include "domain/csv.h"
#include "domain/import_line.h"
#include "domain/record_type.h"
#include "domain/result.h"

namespace ordo {

// The columns the importer reads (the log has 36; the others are ignored).
enum class SnColumn {
  kNumber, kIncidentState, kReassignmentCount, kReopenCount, kSysModCount, kMadeSla, kCallerId, kOpenedBy,
  kOpenedAt, kSysCreatedBy, kSysUpdatedBy, kSysUpdatedAt, kContactType, kLocation, kCategory, kSubcategory,
  kSymptom, kCmdbCi, kImpact, kUrgency, kPriority, kAssignmentGroup, kAssignedTo, kKnowledge,
  kPriorityConfirmation, kNotify, kProblemId, kRfc, kVendor, kCausedBy, kClosedCode, kResolvedBy, kResolvedAt,
  kClosedAt,
  kCount
};
inline constexpr std::size_t kSnColumns = static_cast<std::size_t>(SnColumn::kCount);

// Where each column is in the file.
struct ServiceNowHeader {
  std::array<std::size_t, kSnColumns> index{};
  std::size_t width = 0;  // fields per row
  std::size_t at(SnColumn c) const { return index[static_cast<std::size_t>(c)]; }
};

// One incident's rows as read (raw fields, '?' and all) and where they are in the input.
struct ServiceNowIncident {
  std::string number;
  std::vector<std::int64_t> lines;             // each row's line in the file
  std::vector<std::vector<std::string>> rows;  // each row's fields
  std::size_t begin = 0, end = 0;              // byte range of the rows in the input
};

class ServiceNowReader {
 public:
  // Reads the header. kInvalid ("line 1") when it lacks a column the importer reads.
  static Result<ServiceNowReader> open(std::string_view csv);
  // Reads incidents again from a byte range an earlier pass returned (begin..end of one or
  // more incidents), reporting the lines of the whole file.
  static ServiceNowReader resume(const ServiceNowHeader& header, std::string_view csv, std::size_t begin,
                                 std::int64_t first_line);

  // The next incident (its contiguous rows with one number); nullopt at the end. kInvalid
  // when the CSV itself is malformed (an unclosed quote): the file cannot be read further.
  Result<std::optional<ServiceNowIncident>> next();

  const ServiceNowHeader& header() const { return header_; }
  std::int64_t line() const { return csv_.line(); }  // the line the next incident starts on

 private:
  ServiceNowReader(const ServiceNowHeader& h, CsvReader csv, std::size_t base);
  ServiceNowHeader header_;
  CsvReader csv_;
  std::size_t base_ = 0;  // offset of csv_'s text in the input
  std::vector<std::string> pending_;  // a row read ahead: the first of the next incident
  std::int64_t pending_line_ = 0;
  std::size_t pending_begin_ = 0;
  bool have_pending_ = false;
};

// The team id for an assignment group's name (the caller resolves or creates teams).
using TeamIdOf = std::function<std::int64_t(std::string_view name)>;

// The plan for one incident (ImportPlan; the caller keeps inc.number as its number).
// kInvalid with every error of the incident's rows, each named "line N: column".
Result<ImportPlan> plan_servicenow(const RecordType& incident, const ServiceNowHeader& h,
                                   const ServiceNowIncident& inc, const TeamIdOf& team_id, Instant now);

// The source's state labels and the Ordo status each maps to (docs/import/servicenow.md).
std::optional<std::string> servicenow_status(std::string_view state_label);

// `d/m/yyyy HH:MM[:SS]` (the log's form; no time zone: read as UTC). nullopt otherwise.
std::optional<Instant> parse_servicenow_time(std::string_view s);

}  // namespace ordo
