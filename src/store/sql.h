// SqlConn: one database connection, the only thing the backends implement by hand.
//
// The generic record engine (record_store.cc) writes its SQL once against this interface
// and the Dialect; sqlite/ and postgres/ supply connections. A connection is NOT
// thread-safe: one thread uses it at a time (the pools in store.cc see to that).
//
// Placeholders are written `?` in every statement; the PostgreSQL connection rewrites them
// to $1, $2, … (outside string literals). Parameters and results are SqlValue.
//
//   auto rows = conn.query("SELECT id, title FROM incidents WHERE id = ?", {SqlValue{42}});
//   if (!rows) return rows.error();
//   for (auto& row : *rows) use(std::get<std::int64_t>(row[0]));
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/result.h"

namespace ordo {

// Binary data (file contents) as a parameter: SQLite BLOB, PostgreSQL bytea. Blob columns
// read back as std::string holding the bytes, so SqlBlob appears in parameters only.
struct SqlBlob {
  explicit SqlBlob(std::string b) : bytes(std::move(b)) {}
  std::string bytes;
  auto operator<=>(const SqlBlob&) const = default;  // SqlRows sort as keys (group_sums)
};

// NULL, integer (also booleans), double, text, and (parameters only) bytes.
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string, SqlBlob>;
using SqlRow = std::vector<SqlValue>;
using SqlRows = std::vector<SqlRow>;

enum class SqlBackend { kSqlite, kPostgres };

// Reading result values whose column type is known: an integer column (0 for NULL), a text
// column ("" for NULL).
inline std::int64_t sql_int(const SqlValue& v) {
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  if (auto d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  return 0;
}
inline std::string sql_text(const SqlValue& v) {
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  return {};
}
inline bool sql_null(const SqlValue& v) { return std::holds_alternative<std::monostate>(v); }

class SqlConn {
 public:
  virtual ~SqlConn() = default;
  virtual SqlBackend backend() const = 0;
  // Runs one statement; returns the number of rows changed. Uses a cached prepared
  // statement for the same SQL text.
  virtual Result<std::int64_t> exec(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs one statement and returns all rows. Integers come back as int64 (PostgreSQL int2/4/8,
  // bool as 0/1), floating types as double, everything else as text, NULL as monostate.
  virtual Result<SqlRows> query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs several ;-separated statements without parameters (DDL, BEGIN/COMMIT).
  virtual Result<void> exec_script(std::string_view sql) = 0;
  // Runs one statement and hands `fn` each row as it comes, keeping none: a pass over a
  // million rows in constant memory. The row passed is reused between calls. By default
  // the rows are collected by query() first; SQLite streams them.
  virtual Result<void> for_each_row(std::string_view sql, const std::vector<SqlValue>& params,
                                    const std::function<void(const SqlRow&)>& fn) {
    ORDO_ASSIGN(SqlRows rows, query(sql, params));
    for (const auto& r : rows) fn(r);
    return {};
  }

  // Statements that may wait for the end of the write transaction. The group commit turns
  // this on for its SQLite writer (set_deferring) and runs what is still pending just
  // before COMMIT, outside every command's SAVEPOINT. Otherwise exec_at_commit runs the
  // statement at once. Used for the FTS5 rows of new records (record_store.cc): FTS5 writes
  // its pending terms out as a new segment at every savepoint boundary, so indexing the N
  // creates of a group at its end makes one segment instead of N. Code that needs them to
  // have run (an update of a searchable column) calls run_deferred() first.
  //
  // The group commit brackets each command: deferred_mark() before it, and after a failed
  // command rolled back to its SAVEPOINT, rollback_deferred(mark): the command's own
  // statements are dropped, and those of earlier commands it ran are pending again (their
  // effect was rolled back with it).
  struct DeferredMark {
    std::size_t size = 0, ran = 0;
  };
  Result<void> exec_at_commit(std::string sql, std::vector<SqlValue> params) {
    if (!deferring_) {
      ORDO_TRY(exec(sql, params));
      return {};
    }
    deferred_.push_back({std::move(sql), std::move(params)});
    return {};
  }
  // Runs what is pending (nothing: a no-op).
  Result<void> run_deferred() {
    for (; ran_ < deferred_.size(); ++ran_) ORDO_TRY(exec(deferred_[ran_].first, deferred_[ran_].second));
    return {};
  }
  DeferredMark deferred_mark() const { return {deferred_.size(), ran_}; }
  void rollback_deferred(DeferredMark m) {
    deferred_.resize(std::min(m.size, deferred_.size()));
    ran_ = std::min(ran_, m.ran);
  }
  void clear_deferred() {
    deferred_.clear();
    ran_ = 0;
  }
  void set_deferring(bool on) { deferring_ = on; }

  // The hash chain's head as this write transaction left it (store/event_log.cc), so that
  // a group's appends after its first skip the head query — and on PostgreSQL the advisory
  // lock, which the transaction holds already — and the head is recorded in ordo_meta once
  // per transaction (record_chain_head, before COMMIT) instead of once per command: three
  // round trips per command. Off unless the group commit turns it on for its writer, which
  // starts over at every BEGIN and ROLLBACK (another process or node may append in between)
  // and forgets the head after a command rolled back to its savepoint (its events, and on
  // PostgreSQL the lock it took, are gone; the head is read again when needed).
  struct ChainHead {
    std::int64_t seq = 0;
    std::string hash;
  };
  void set_caching_chain_head(bool on) {
    caching_chain_head_ = on;
    reset_chain_head();
  }
  bool caching_chain_head() const { return caching_chain_head_; }
  const std::optional<ChainHead>& cached_chain_head() const { return chain_head_; }
  // After an append while caching: the new head, to be recorded before COMMIT.
  void remember_chain_head(std::int64_t seq, std::string hash) {
    chain_head_ = ChainHead{seq, std::move(hash)};
    chain_head_unrecorded_ = true;
  }
  void forget_chain_head() { chain_head_.reset(); }
  bool chain_head_unrecorded() const { return chain_head_unrecorded_; }
  void reset_chain_head() {
    chain_head_.reset();
    chain_head_unrecorded_ = false;
  }

 private:
  bool caching_chain_head_ = false;
  bool chain_head_unrecorded_ = false;
  std::optional<ChainHead> chain_head_;
  bool deferring_ = false;
  std::vector<std::pair<std::string, std::vector<SqlValue>>> deferred_;
  std::size_t ran_ = 0;  // deferred_[0, ran_) have run in this transaction
};

// Errors from a connection carry ErrorKind::kInternal, except a violated UNIQUE
// constraint, which is reported as kConflict with the message naming the constraint, and
// a lost connection / busy database, reported as kUnavailable.

}  // namespace ordo
