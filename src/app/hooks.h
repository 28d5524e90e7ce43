// Process hooks: what is special about one record type, plugged into the generic record
// commands (records.cc) instead of a hand-made command stack per type (DESIGN.md "One
// record model": "Modules add only what is special about them as hooks on record lifecycle
// events").
//
// Both kinds run inside the command's write transaction, so whatever they write commits (or
// rolls back) together with the change and its event.
//
//   before: after the input validated, before the row is written. May refuse the change
//           (e.g. 409 "a major incident needs a post-incident review before it closes") and
//           may set engine-maintained fields in `ch` (counters, stamps): write them to both
//           ch.values and, on updates, ch.changes ({field: [old, new]}).
//   after:  once the row and its event are written. May write other tables or records and
//           append further events (e.g. create the satisfaction survey on resolution).
//
// Each process module installs its hooks in install_process_hooks (hooks.cc). Hooks are
// installed once at App::open and read-only afterwards (thread-safe to run).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "app/app.h"
#include "domain/clock.h"
#include "domain/record_type.h"
#include "domain/result.h"
#include "domain/validation.h"
#include "store/sql.h"

namespace ordo {

class HookTable;
class SlaEngine;

struct WriteContext {
  SqlConn& conn;
  const Principal& principal;
  const RecordType& type;
  std::int64_t id = 0;                          // 0 in a before hook of a create
  const char* action = "";  // "create" | "update" | "transition" | "approval" (a move service_requests.cc makes)
  const boost::json::object* before = nullptr;  // the stored record (API form); null on create
  std::string from_status;                      // status before ("" on create / no workflow)
  Instant now = 0;
  // For a hook that moves another record (through the same hooks, with its SLA clock
  // following, in the same transaction). Set by HookTable::run_before / run_after.
  SlaEngine* sla = nullptr;
  const HookTable* hooks = nullptr;
};

using BeforeWrite = std::function<Result<void>(WriteContext& ctx, Change& ch)>;
// `after`: the record as written (API form), returned to the caller. A hook may add
// members that are not fields (e.g. "known_errors": the open known errors of the service
// an incident was logged on); they are part of this response only, never stored.
using AfterWrite = std::function<Result<void>(WriteContext& ctx, const Change& ch, boost::json::object& after)>;

class HookTable {
 public:
  void before(const std::string& type, BeforeWrite fn) { before_[type].push_back(std::move(fn)); }
  void after(const std::string& type, AfterWrite fn) { after_[type].push_back(std::move(fn)); }
  Result<void> run_before(WriteContext& ctx, Change& ch) const;
  Result<void> run_after(WriteContext& ctx, const Change& ch, boost::json::object& after) const;
  // The engine hooks get in WriteContext::sla (App::open sets it once).
  void use_sla(SlaEngine* sla) { sla_ = sla; }

 private:
  SlaEngine* sla_ = nullptr;
  std::map<std::string, std::vector<BeforeWrite>, std::less<>> before_;
  std::map<std::string, std::vector<AfterWrite>, std::less<>> after_;
};

class SlaEngine;

// Hierarchical escalation (8.6.1): when a ticket's SLA target goes at risk or breaches, its
// assignment group's manager and its assignee are notified, in the transaction that appends
// the sla.* event (incident_process.cc).
void install_sla_escalation(SlaEngine& sla, const Registry& reg);

// An integer member of a record (0 when absent or null): counters and revisions.
inline std::int64_t int_or_zero(const boost::json::object& o, const char* field) {
  const boost::json::value* v = o.if_contains(field);
  return v && v->is_int64() ? v->as_int64() : 0;
}

// The counters auditors and KPIs read, on every ticket type that declares them
// (incident_process.cc): reassignment_count +1 when the assignment group changes from one
// team to another (the first assignment is none), reopen_count +1 when a ticket leaves its
// resolved state (RecordType::sla_resolved_state) for an open one; both 0 on create.
void install_ticket_counters(HookTable& hooks, const Registry& reg);

// Every process module's hooks (hooks.cc lists them).
void install_process_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options);

// Modules' installers.
void install_incident_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options);  // incident_process.cc
void install_notification_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options);  // notifications.cc
void install_knowledge_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options);  // knowledge.cc
void install_problem_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options);  // problems.cc
void install_service_request_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options);  // service_requests.cc
void install_service_desk_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options);  // service_desk.cc

}  // namespace ordo
