// The event log: every mutation's who/when/what, hash-chained (DESIGN.md "Storage").
//
// Each event's hash is SHA-256 over the previous event's hash and the event's canonical
// text (seq, at, actor, record, action, data — each on its own line). The newest
// (seq, hash) is also kept in ordo_meta, so cutting events off the end is detected too.
// append_event must run inside the same write transaction as the state change it records;
// on PostgreSQL it takes a transaction-scoped advisory lock so the chain stays linear
// across connections and nodes.
//
//   ORDO_TRY(append_event(conn, {now, user_id, "admin", "incident", id, "create", data}));
//   auto report = verify_chain(conn);   // report->ok, report->bad_seq
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/clock.h"
#include "domain/result.h"
#include "store/sql.h"

namespace ordo {

struct NewEvent {
  Instant at = 0;
  std::int64_t actor_id = 0;  // 0: the system
  std::string actor;          // user name at the time
  std::string record_type;    // "incident", or "security" for auth events
  std::int64_t record_id = 0;
  std::string action;         // create, update, transition, login, ...
  boost::json::object data;
};

// A NewEvent whose data is already JSON text (boost::json::serialize of the object), for bulk
// writers that serialise off the writer thread (bench data).
struct SerializedEvent {
  Instant at = 0;
  std::int64_t actor_id = 0;
  std::string actor;
  std::string record_type;
  std::int64_t record_id = 0;
  std::string action;
  std::string data;
};

struct Event {
  std::int64_t seq = 0;
  Instant at = 0;
  std::int64_t actor_id = 0;
  std::string actor;
  std::string record_type;
  std::int64_t record_id = 0;
  std::string action;
  std::string data;  // JSON text as stored
  std::string prev_hash;
  std::string hash;
};

inline constexpr const char* kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

std::string sha256_hex(std::string_view data);
std::string event_hash(const Event& e);  // over e.prev_hash and e's canonical text

Result<std::int64_t> append_event(SqlConn& c, const NewEvent& e);  // returns seq
// Appends several events in order with one chain-head read, multi-row inserts and one
// head update (bulk writers: import, bench data). Returns the seq of the first (0 if none).
Result<std::int64_t> append_events(SqlConn& c, std::span<const NewEvent> events);
Result<std::int64_t> append_events(SqlConn& c, std::span<const SerializedEvent> events);
// When the connection caches the chain head (SqlConn::caching_chain_head: the group
// commit's writer), appends leave ordo_meta's chain_head to this, which the writer runs
// once just before COMMIT. A no-op when nothing was appended.
Result<void> record_chain_head(SqlConn& c);
Result<std::vector<Event>> events_for(SqlConn& c, const std::string& record_type, std::int64_t record_id);

struct VerifyReport {
  bool ok = true;
  std::int64_t checked = 0;
  std::optional<std::int64_t> bad_seq;  // the first event that does not verify
  std::string problem;                  // what is wrong with it
};
// Walks the whole chain in seq order, in pages. `progress(checked)` is called per page.
Result<VerifyReport> verify_chain(SqlConn& c, const std::function<void(std::int64_t)>& progress = {});

}  // namespace ordo
