#include "store/event_log.h"

#include <openssl/evp.h>

#include <boost/json/serialize.hpp>

namespace ordo {

namespace {

// SHA-256 fetched once (with EVP_sha256() every digest looks the implementation up again) and
// one digest context per thread: hashing the chain is on the writer's hot path in bulk loads.
const EVP_MD* sha256_md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return md;
}

struct DigestCtx {
  EVP_MD_CTX* const ctx = EVP_MD_CTX_new();
  ~DigestCtx() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string sha256_hex(std::string_view data) {
  thread_local DigestCtx d;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestInit_ex2(d.ctx, sha256_md(), nullptr);
  EVP_DigestUpdate(d.ctx, data.data(), data.size());
  EVP_DigestFinal_ex(d.ctx, md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 15];
  }
  return out;
}

std::string event_hash(const Event& e) {
  std::string canon;
  canon.reserve(e.data.size() + 200);
  canon.append(e.prev_hash).append("\n");
  canon.append(std::to_string(e.seq)).append("\n");
  canon.append(std::to_string(e.at)).append("\n");
  canon.append(std::to_string(e.actor_id)).append("\n");
  canon.append(e.actor).append("\n");
  canon.append(e.record_type).append("\n");
  canon.append(std::to_string(e.record_id)).append("\n");
  canon.append(e.action).append("\n");
  canon.append(e.data);
  return sha256_hex(canon);
}

namespace {

constexpr const char* kSelect =
    "SELECT seq, at, actor_id, actor, record_type, record_id, action, data, prev_hash, hash FROM events";


Event to_event(const SqlRow& r) {
  return Event{sql_int(r[0]), sql_int(r[1]), sql_int(r[2]), sql_text(r[3]), sql_text(r[4]),
               sql_int(r[5]),  sql_text(r[6]), sql_text(r[7]), sql_text(r[8]), sql_text(r[9])};
}

Result<void> write_chain_head(SqlConn& c, std::int64_t seq, const std::string& hash) {
  ORDO_TRY(c.exec(
      "INSERT INTO ordo_meta (key, value) VALUES ('chain_head', ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      {std::to_string(seq) + " " + hash}));
  return {};
}

// The last event's seq and hash, or (0, genesis) for an empty log.
Result<SqlConn::ChainHead> read_chain_head(SqlConn& c) {
  ORDO_ASSIGN(auto head, c.query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"));
  if (head.empty()) return SqlConn::ChainHead{0, kGenesisHash};
  return SqlConn::ChainHead{sql_int(head[0][0]), sql_text(head[0][1])};
}

// Both append_events overloads: `data_text(event)` gives an event's data as JSON text (already
// serialised for bulk writers, serialised here for the app's NewEvents), so neither copies its
// events into the other's shape first.
template <typename E, typename DataText>
Result<std::int64_t> append_chain(SqlConn& c, std::span<const E> events, DataText data_text) {
  if (events.empty()) return std::int64_t{0};
  SqlConn::ChainHead head;
  if (const auto& cached = c.cached_chain_head()) {  // an earlier command of this transaction appended
    head = *cached;
  } else {
    if (c.backend() == SqlBackend::kPostgres) {
      // One chain across all connections: serialise appenders until commit.
      ORDO_ASSIGN(auto locked, c.query("SELECT pg_advisory_xact_lock(727274)"));
      (void)locked;
    }
    ORDO_ASSIGN(head, read_chain_head(c));
  }
  std::int64_t seq = head.seq;
  std::string prev = std::move(head.hash);
  const std::int64_t first = seq + 1;
  // Bulk writers' many events go 100 rows per INSERT (1,000 parameters). A few events (a
  // command's, one imported ticket's) go one row per INSERT on SQLite: a multi-row INSERT is a
  // statement that needs its own statement journal, and it makes FTS5 flush the terms it
  // holds for this transaction into a new segment.
  constexpr std::size_t kRowsPerInsert = 100;
  const std::size_t rows_per_insert =
      c.backend() == SqlBackend::kSqlite && events.size() < kRowsPerInsert ? 1 : kRowsPerInsert;
  std::vector<SqlValue> params;
  std::string sql;
  for (std::size_t at = 0; at < events.size(); at += rows_per_insert) {
    const std::size_t n = std::min(rows_per_insert, events.size() - at);
    params.clear();
    params.reserve(n * 10);
    for (std::size_t i = at; i < at + n; ++i) {
      const E& se = events[i];
      Event e{++seq, se.at, se.actor_id, se.actor, se.record_type, se.record_id, se.action, data_text(se), prev, {}};
      e.hash = event_hash(e);
      prev = e.hash;
      for (SqlValue v : {SqlValue{e.seq}, SqlValue{e.at}, SqlValue{e.actor_id}, SqlValue{std::move(e.actor)},
                         SqlValue{std::move(e.record_type)}, SqlValue{e.record_id}, SqlValue{std::move(e.action)},
                         SqlValue{std::move(e.data)}, SqlValue{std::move(e.prev_hash)}, SqlValue{e.hash}})
        params.push_back(std::move(v));
    }
    sql = "INSERT INTO events (seq, at, actor_id, actor, record_type, record_id, action, data, prev_hash, hash) VALUES ";
    for (std::size_t i = 0; i < n; ++i) sql += i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    ORDO_TRY(c.exec(sql, params));
  }
  if (c.caching_chain_head())
    c.remember_chain_head(seq, std::move(prev));  // recorded once, before COMMIT (record_chain_head)
  else
    ORDO_TRY(write_chain_head(c, seq, prev));
  return first;
}

}  // namespace

Result<void> record_chain_head(SqlConn& c) {
  if (!c.chain_head_unrecorded()) return {};
  SqlConn::ChainHead head;
  if (const auto& cached = c.cached_chain_head()) {
    head = *cached;
  } else {  // a command rolled back after earlier ones appended: the head is what is stored
    ORDO_ASSIGN(head, read_chain_head(c));
  }
  ORDO_TRY(write_chain_head(c, head.seq, head.hash));
  c.reset_chain_head();
  return {};
}

Result<std::int64_t> append_events(SqlConn& c, std::span<const SerializedEvent> events) {
  return append_chain(c, events, [](const SerializedEvent& e) { return e.data; });
}

Result<std::int64_t> append_events(SqlConn& c, std::span<const NewEvent> events) {
  return append_chain(c, events, [](const NewEvent& e) { return boost::json::serialize(e.data); });
}

Result<std::int64_t> append_event(SqlConn& c, const NewEvent& e) { return append_events(c, {&e, 1}); }

Result<std::vector<Event>> events_for(SqlConn& c, const std::string& record_type, std::int64_t record_id) {
  ORDO_ASSIGN(auto rows, c.query(std::string(kSelect) + " WHERE record_type = ? AND record_id = ? ORDER BY seq",
                                 {record_type, record_id}));
  std::vector<Event> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(to_event(r));
  return out;
}

Result<VerifyReport> verify_chain(SqlConn& c, const std::function<void(std::int64_t)>& progress) {
  VerifyReport rep;
  std::string prev = kGenesisHash;
  std::int64_t last_seq = 0;
  auto fail = [&](std::int64_t seq, std::string why) {
    rep.ok = false;
    rep.bad_seq = seq;
    rep.problem = std::move(why);
    return rep;
  };
  for (;;) {
    ORDO_ASSIGN(auto rows, c.query(std::string(kSelect) + " WHERE seq > ? ORDER BY seq LIMIT 5000", {last_seq}));
    if (rows.empty()) break;
    for (const auto& r : rows) {
      Event e = to_event(r);
      if (e.seq != last_seq + 1)
        return fail(last_seq + 1, "event " + std::to_string(last_seq + 1) + " is missing (next found: " +
                                      std::to_string(e.seq) + ")");
      if (e.prev_hash != prev)
        return fail(e.seq, "prev_hash does not match the hash of event " + std::to_string(last_seq) +
                               " (events deleted, reordered or edited)");
      if (event_hash(e) != e.hash) return fail(e.seq, "content does not match its hash (event edited)");
      prev = e.hash;
      last_seq = e.seq;
      ++rep.checked;
    }
    if (progress) progress(rep.checked);
  }
  ORDO_ASSIGN(auto head, c.query("SELECT value FROM ordo_meta WHERE key = 'chain_head'"));
  std::string expected = last_seq == 0 ? "" : std::to_string(last_seq) + " " + prev;
  std::string recorded = head.empty() ? "" : sql_text(head[0][0]);
  if (recorded != expected) {
    auto sp = recorded.find(' ');
    std::int64_t head_seq = sp == std::string::npos ? 0 : std::stoll(recorded.substr(0, sp));
    return fail(head_seq > last_seq ? last_seq + 1 : last_seq,
                "the recorded chain head (" + (recorded.empty() ? std::string("none") : recorded.substr(0, sp)) +
                    ") does not match the last event (" + std::to_string(last_seq) + "): events cut off the end");
  }
  return rep;
}

}  // namespace ordo
