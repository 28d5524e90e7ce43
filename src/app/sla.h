// The SLA engine's I/O half: finds the agreement that applies to a ticket, rebuilds its
// clock from the stored history (domain/sla_history.h, domain/sla_clock.h), keeps the
// ticket's sla_* fields and its row in the due queue (table sla_timers) current, and fires
// the sla.at_risk / sla.breached events exactly once per target.
//
// Everything runs inside the caller's transaction (Store::write), so the figures, the queue
// and the events commit together with the change that caused them.
//
// The due queue holds one row per ticket: the next instant something may need firing
// (due_at, NULL when nothing is pending) and a bit mask of what has fired. Firing is a
// conditional update of that mask (WHERE fired = <the mask read>), so two nodes that
// evaluate the same ticket at once fire each event once: on PostgreSQL the second waits
// for the first's row lock and then matches no row.
//
// Thread-safety: SlaEngine's caches are guarded by a mutex; the functions may run on any
// writer or reader connection concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/calendar.h"
#include "domain/record_type.h"
#include "domain/registry.h"
#include "domain/sla_clock.h"
#include "domain/sla_history.h"
#include "store/sql.h"

namespace ordo {

// The agreement in force for one ticket, parsed (shared with the cache).
struct AppliedAgreement {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::int64_t calendar_version = 0;
  boost::json::object record;  // the agreement's API form
  std::shared_ptr<const SlaTerms> terms;
  std::shared_ptr<const Calendar> calendar;
  std::string calendar_name;   // "24x7" when the agreement names none
};

// A ticket's clock as of `now`.
struct SlaEvaluation {
  std::shared_ptr<const AppliedAgreement> agreement;  // null: no agreement applies
  std::optional<ClockResult> clock;  // null: no agreement, or none for this priority
  std::string problem;               // why there is no clock, for the API
  Instant now = 0;
};

class SlaEngine {
 public:
  explicit SlaEngine(const Registry& reg);

  // The part of the ticket's stored history the clock reads (sla_timeline), oldest first:
  // its create, replies, transitions and the updates that change priority or status. The
  // other updates (title, description, assignment, ...) are left in the database, so a
  // ticket edited a thousand times costs no more to re-evaluate than one edited twice.
  static Result<std::vector<HistoryEntry>> load_history(SqlConn& c, const RecordType& t, std::int64_t id);

  // Evaluates the clock of a ticket whose declared values are `values` (reported_at,
  // service, customer, ...) and whose history is `history`. Segments (the explanation) are
  // built only when asked for: writes and timers need the figures alone.
  Result<SlaEvaluation> evaluate(SqlConn& c, const RecordType& t, const boost::json::object& values,
                                 std::span<const HistoryEntry> history, Instant now, bool with_segments = false);

  // evaluate() in two halves, for callers that read the history only when a clock runs:
  // select_agreement finds the agreement in force (ev.agreement) or says why none applies
  // (ev.problem); run_clock then runs that agreement's clock over `history` (nothing when
  // ev.agreement is null).
  Result<SlaEvaluation> select_agreement(SqlConn& c, const RecordType& t, const boost::json::object& values,
                                         Instant now);
  static void run_clock(SlaEvaluation& ev, const RecordType& t, const boost::json::object& values,
                        std::span<const HistoryEntry> history, bool with_segments = false);

  // Brings the due queue of ticket `id` in line with `ev`, firing what is due (events
  // appended in this transaction). Returns the names of the events fired. `inserted`: the
  // ticket was inserted in this transaction, so it has no due-queue row to read yet (one
  // query less per create: on PostgreSQL a round trip on the writer).
  Result<std::vector<std::string>> sync_timers(SqlConn& c, const RecordType& t, std::int64_t id,
                                               const SlaEvaluation& ev, bool inserted = false);

  // Re-evaluates ticket `id` at `now` from its stored state and history, writes its sla_*
  // fields when they changed (without a new version: they are derived) and syncs its timers.
  Result<std::vector<std::string>> refresh(SqlConn& c, const RecordType& t, std::int64_t id, Instant now);

  // The due queue: refreshes up to `limit` tickets whose next instant is <= now. On
  // PostgreSQL the rows are claimed with FOR UPDATE SKIP LOCKED, so several nodes share the
  // work. Returns the number of events fired.
  Result<std::int64_t> run_due(SqlConn& c, Instant now, std::int64_t limit);

  // Called in the same transaction for each sla.at_risk / sla.breached event appended (the
  // event's action and data): hierarchical escalation notifies the team manager here.
  using FiredHook = std::function<Result<void>(SqlConn& c, const RecordType& t, std::int64_t id,
                                               const std::string& action, const boost::json::object& data)>;
  void on_fired(FiredHook fn) { on_fired_ = std::move(fn); }

  // The SLA fields whose value would change ({field: [old, new]}), for a write to merge.
  static boost::json::object column_changes(const boost::json::object& current, const SlaEvaluation& ev);

 private:
  Result<std::shared_ptr<const AppliedAgreement>> applied(SqlConn& c, std::int64_t agreement_id,
                                                          std::int64_t version, std::optional<std::int64_t> calendar,
                                                          std::int64_t calendar_version);

  const Registry& reg_;
  const RecordType* agreement_type_;
  const RecordType* calendar_type_;
  std::shared_ptr<const Calendar> always_;
  FiredHook on_fired_;  // set once at start-up
  std::mutex mu_;
  std::map<std::int64_t, std::shared_ptr<const AppliedAgreement>> cache_;  // by agreement id
};

// The SLA of one ticket in its API form: GET /api/v1/{plural}/{id}/sla.
boost::json::object sla_json(const SlaEvaluation& ev, const std::string& priority);

}  // namespace ordo
