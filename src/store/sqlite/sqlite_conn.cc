#include "store/sqlite/sqlite_conn.h"
#include "store/sqlite/subjournal_vfs.h"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace ordo {
namespace {

// Bounds the statement cache: SQL built from filters can produce many distinct texts.
// When full, the whole cache is dropped; hot statements are re-prepared on next use.
constexpr std::size_t kMaxCachedStatements = 512;
constexpr int kBusyTimeoutMs = 10000;

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// Returns a cached statement to its pristine state however the caller leaves the scope
// (error return or exception), so it holds no read lock and no parameter references.
class StmtUse {
 public:
  explicit StmtUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StmtUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

std::string excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 200;
  if (sql.size() <= kMax) return std::string(sql);
  return std::string(sql.substr(0, kMax)) + "…";
}

// Maps an SQLite result code (extended codes are on) to an Error.
Error sqlite_error(int rc, std::string_view msg, std::string_view sql) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return conflict(std::string(msg));  // "UNIQUE constraint failed: table.column"
    default:
      break;
  }
  std::string text = "sqlite: " + std::string(msg);
  if (!sql.empty()) text += " [in: " + excerpt(sql) + "]";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error{ErrorKind::kUnavailable, std::move(text), {}, {}};
    default:
      return internal_error(std::move(text));
  }
}

class SqliteConn final : public SqlConn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override {
    cache_.clear();      // finalize every statement first …
    sqlite3_close_v2(db_);  // … so the close is immediate (v2 also tolerates leftovers)
  }
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  SqlBackend backend() const override { return SqlBackend::kSqlite; }

  Result<std::int64_t> exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    ORDO_ASSIGN(sqlite3_stmt * stmt, prepare(sql));
    StmtUse use(stmt);
    ORDO_TRY(bind(stmt, params, sql));
    const std::int64_t total_before = sqlite3_total_changes64(db_);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) continue;
      if (rc == SQLITE_DONE) break;
      return last_error(rc, sql);
    }
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a DDL or
    // transaction statement would report a stale number: only trust it if rows changed.
    if (sqlite3_total_changes64(db_) == total_before) return std::int64_t{0};
    return sqlite3_changes64(db_);
  }

  Result<SqlRows> query(std::string_view sql, const std::vector<SqlValue>& params) override {
    SqlRows rows;
    ORDO_TRY(step_rows(sql, params, [&](sqlite3_stmt* stmt, int ncols) {
      SqlRow& row = rows.emplace_back();
      row.reserve(static_cast<std::size_t>(ncols));
      for (int i = 0; i < ncols; ++i) row.push_back(column(stmt, i));
    }));
    return rows;
  }

  Result<void> for_each_row(std::string_view sql, const std::vector<SqlValue>& params,
                            const std::function<void(const SqlRow&)>& fn) override {
    SqlRow row;
    return step_rows(sql, params, [&](sqlite3_stmt* stmt, int ncols) {
      row.resize(static_cast<std::size_t>(ncols));
      for (int i = 0; i < ncols; ++i) row[static_cast<std::size_t>(i)] = column(stmt, i);
      fn(row);
    });
  }

  Result<void> exec_script(std::string_view sql) override {
    const std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
    char* msg = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg);
    std::unique_ptr<char, decltype(&sqlite3_free)> owned(msg, &sqlite3_free);
    if (rc == SQLITE_OK) return ok();
    return sqlite_error(sqlite3_extended_errcode(db_), msg ? msg : sqlite3_errstr(rc), sql);
  }

  // Applies the connection pragmas; called once by open_sqlite.
  Result<void> configure(const std::string& path) {
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);  // first: switching to WAL may wait for a lock
    std::string mode;
    char* msg = nullptr;
    const int rc = sqlite3_exec(
        db_, "PRAGMA journal_mode=WAL",
        [](void* out, int n, char** values, char**) {
          if (n > 0 && values[0]) *static_cast<std::string*>(out) = values[0];
          return 0;
        },
        &mode, &msg);
    std::unique_ptr<char, decltype(&sqlite3_free)> owned(msg, &sqlite3_free);
    if (rc != SQLITE_OK) {
      return sqlite_error(sqlite3_extended_errcode(db_),
                          "cannot enable WAL on \"" + path + "\": " + (msg ? msg : sqlite3_errstr(rc)), {});
    }
    const bool in_memory = path.empty() || path == ":memory:";
    if (mode != "wal" && !(in_memory && mode == "memory")) {
      return internal_error("sqlite: \"" + path + "\" refused WAL mode (journal_mode is " + mode + ")");
    }
    return exec_script(
        "PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA cache_size=-8192;"  // KiB: 8 MiB per connection
        // No mmap: every connection would map the whole file, and RSS counts each mapping
        // (1 GiB "used" by 64 readers of a 15 MiB database in the first benchmark).
        "PRAGMA mmap_size=0;"
        "PRAGMA temp_store=MEMORY;");
  }

 private:
  // Prepares (cached), binds and steps `sql`, calling on_row(stmt, column count) per row.
  template <class OnRow>
  Result<void> step_rows(std::string_view sql, const std::vector<SqlValue>& params, OnRow&& on_row) {
    ORDO_ASSIGN(sqlite3_stmt * stmt, prepare(sql));
    StmtUse use(stmt);
    ORDO_TRY(bind(stmt, params, sql));
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return ok();
      if (rc != SQLITE_ROW) return last_error(rc, sql);
      // Counted after the step: a schema change re-prepares inside sqlite3_step, and a
      // `SELECT *` may come back wider than before.
      on_row(stmt, sqlite3_column_count(stmt));
    }
  }

  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second.get();
    if (sql.size() > static_cast<std::size_t>(INT32_MAX)) return internal_error("sqlite: statement too long");

    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return sqlite_error(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_), sql);
    if (!stmt) return internal_error("sqlite: empty statement [in: " + excerpt(sql) + "]");

    // Only the first statement would run: refuse the rest rather than drop it silently.
    const char* end = sql.data() + sql.size();
    if (tail && tail < end) {
      sqlite3_stmt* extra_raw = nullptr;
      const int rc2 = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &extra_raw, nullptr);
      StmtPtr extra(extra_raw);
      if (rc2 != SQLITE_OK || extra) {
        return internal_error("sqlite: exec/query take one statement; use exec_script [in: " +
                              excerpt(sql) + "]");
      }
    }

    if (cache_.size() >= kMaxCachedStatements) cache_.clear();
    sqlite3_stmt* result = stmt.get();
    cache_.emplace(std::string(sql), std::move(stmt));
    return result;
  }

  // Parameters are bound SQLITE_STATIC: `params` outlives the statement use (StmtUse
  // clears the bindings before the caller's vector can go away).
  Result<void> bind(sqlite3_stmt* stmt, const std::vector<SqlValue>& params, std::string_view sql) {
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<std::size_t>(expected) != params.size()) {
      return internal_error("sqlite: statement has " + std::to_string(expected) + " parameters, got " +
                            std::to_string(params.size()) + " [in: " + excerpt(sql) + "]");
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i) + 1;
      const SqlValue& v = params[i];
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else if (const auto* b = std::get_if<SqlBlob>(&v)) {
        rc = sqlite3_bind_blob64(stmt, idx, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) return sqlite_error(rc, sqlite3_errmsg(db_), sql);
    }
    return ok();
  }

  static SqlValue column(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        return SqlValue{static_cast<std::int64_t>(sqlite3_column_int64(stmt, i))};
      case SQLITE_FLOAT:
        return SqlValue{sqlite3_column_double(stmt, i)};
      case SQLITE_TEXT: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt, i));
        return SqlValue{p ? std::string(p, n) : std::string()};
      }
      case SQLITE_BLOB: {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt, i));
        return SqlValue{p ? std::string(p, n) : std::string()};
      }
      default:
        return SqlValue{};
    }
  }

  Error last_error(int rc, std::string_view sql) { return sqlite_error(rc, sqlite3_errmsg(db_), sql); }

  // Constant after construction.
  sqlite3* const db_;
  // Used by one thread at a time (SqlConn contract).
  std::unordered_map<std::string, StmtPtr, StringHash, std::equal_to<>> cache_;
};

}  // namespace

Result<std::unique_ptr<SqlConn>> open_sqlite(const std::string& path, bool create_if_missing) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create_if_missing ? SQLITE_OPEN_CREATE : 0);
  sqlite3* raw = nullptr;
  // Sub-journals in memory (subjournal_vfs.h); every other file is the default VFS's.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, subjournal_vfs());
  // The handle exists even when the open failed; the connection object closes it.
  auto conn = std::make_unique<SqliteConn>(raw);
  if (rc != SQLITE_OK) {
    std::string msg = "sqlite: cannot open \"" + path + "\": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    std::error_code ec;
    if (!create_if_missing && !std::filesystem::exists(path, ec)) return not_found(std::move(msg));
    return internal_error(std::move(msg));
  }
  ORDO_TRY(conn->configure(path));
  return std::unique_ptr<SqlConn>(std::move(conn));
}

}  // namespace ordo
