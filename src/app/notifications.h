// In-app notifications: a row per person told about something that happened to a ticket
// (replies, notes, status changes, assignment; the SLA engine's escalations). Mail comes
// later and will read the same rows.
//
// notify() is meant to be called inside any write transaction (Store::write, a hook, the
// SLA engine's on_fired), so a notification exists exactly when the change that caused it
// committed:
//
//   std::int64_t manager = …;
//   ORDO_TRY(notify(c, {&manager, 1}, {.record_type = "incident", .record_id = id,
//                                       .kind = "sla.breached",
//                                       .message = "INC-000042 breached its resolution target"}));
//
// People read their own through GET /api/v1/notifications (App::notifications).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/clock.h"
#include "domain/record_type.h"
#include "domain/result.h"
#include "store/sql.h"

namespace ordo {

struct Notification {
  std::string record_type;     // the ticket's type name ("incident")
  std::int64_t record_id = 0;  // the ticket's id
  std::string kind;            // reply, customer_reply, note, status, assigned, attachment, sla.at_risk, sla.breached, …
  std::string message;         // one line for people: "alice replied on INC-000042: …"
  std::int64_t actor_id = 0;   // who caused it, never notified of their own act (0: the system)
  bool staff_only = false;     // about internal content (a note): requesters are never told
  Instant at = 0;              // when it happened
};

// Delivers `n` to each of `users` once. Skipped: duplicates, the actor, ids that are no user,
// disabled users and, when n.staff_only, users whose only role is requester.
Result<void> notify(SqlConn& c, std::span<const std::int64_t> users, const Notification& n);

// The people who follow a ticket: its watchers and its assignee (when the type has an
// `assignee` field and it is set). `record`: the ticket's stored (API) form.
Result<std::vector<std::int64_t>> ticket_followers(SqlConn& c, const RecordType& t, const boost::json::object& record);

// "INC-000042", or "incident 42" for a record without a number.
std::string ticket_label(const RecordType& t, const boost::json::object& record);

}  // namespace ordo
