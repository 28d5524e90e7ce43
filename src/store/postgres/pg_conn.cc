#include "store/postgres/pg_conn.h"

#include <libpq-fe.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ordo {
namespace {

// Bounds the per-connection statement cache (and the server-side prepared statements).
// When full, everything is deallocated; hot statements are re-prepared on next use.
constexpr std::size_t kMaxCachedStatements = 512;

// Type OIDs from catalog/pg_type_d.h (a server header, not shipped with libpq-dev).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

std::string excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 200;
  if (sql.size() <= kMax) return std::string(sql);
  return std::string(sql.substr(0, kMax)) + "…";
}

std::string trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

Error unavailable(std::string msg) { return Error{ErrorKind::kUnavailable, std::move(msg), {}, {}}; }

bool ident_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}
bool ident_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}

// The leading keywords of a statement, upper-cased: what kind of statement it is.
enum class StmtKind { kRollback, kCommit, kBegin, kOther };
StmtKind statement_kind(std::string_view sql) {
  auto word = [&sql](std::size_t& i) {
    while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == ';')) ++i;
    std::string w;
    while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i]))) {
      w += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
    }
    return w;
  };
  std::size_t i = 0;
  const std::string first = word(i);
  if (first == "ROLLBACK" || first == "ABORT") {
    return word(i) == "TO" ? StmtKind::kOther : StmtKind::kRollback;  // ROLLBACK TO SAVEPOINT
  }
  if (first == "COMMIT" || first == "END") return StmtKind::kCommit;
  if (first == "BEGIN" || first == "START") return StmtKind::kBegin;
  return StmtKind::kOther;
}

// `?` → $n, skipping every construct where `?` is text rather than a placeholder.
std::string rewrite_placeholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  const std::size_t len = sql.size();
  std::size_t i = 0;
  auto copy_to = [&](std::size_t end) {
    end = std::min(end, len);
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < len) {
    const char c = sql[i];
    const char next = i + 1 < len ? sql[i + 1] : '\0';
    if (c == '\'') {
      // E'…' strings take backslash escapes; standard strings only '' (doubled quote).
      const bool backslashes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !ident_char(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < len) {
        if (backslashes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < len && sql[j + 1] == '\'') {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (c == '"') {
      std::size_t j = i + 1;
      while (j < len) {
        if (sql[j] == '"') {
          if (j + 1 < len && sql[j + 1] == '"') {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      copy_to(j);
    } else if (c == '-' && next == '-') {
      const std::size_t eol = sql.find('\n', i);
      copy_to(eol == std::string_view::npos ? len : eol);
    } else if (c == '/' && next == '*') {
      std::size_t j = i + 2;
      int depth = 1;  // PostgreSQL block comments nest
      while (j < len && depth > 0) {
        if (sql[j] == '/' && j + 1 < len && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < len && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1])) && (next == '$' || ident_start(next))) {
      // Dollar quoting: $$…$$ or $tag$…$tag$ ($1 is a positional parameter, not a tag).
      std::size_t j = i + 1;
      while (j < len && sql[j] != '$' && ident_char(sql[j])) ++j;
      if (j < len && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const std::size_t close = sql.find(tag, j + 1);
        copy_to(close == std::string_view::npos ? len : close + tag.size());
      } else {
        copy_to(j);
      }
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  if (count) *count = n;
  return out;
}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest exact round trip
  return std::string(buf, r.ptr);
}

enum class ColKind { kInt, kBool, kDouble, kText, kBytes };
ColKind col_kind(Oid type) {
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      return ColKind::kInt;
    case kBoolOid:
      return ColKind::kBool;
    case kByteaOid:
      return ColKind::kBytes;
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      return ColKind::kDouble;
    default:
      return ColKind::kText;
  }
}

// bytea in text format is a backslash, "x", then two hex digits per byte (bytea_output = hex,
// the default since PostgreSQL 9.0).
std::string unhex_bytea(const char* p, std::size_t n) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  std::string out;
  if (n < 2 || p[0] != '\\' || p[1] != 'x') return out;
  out.reserve((n - 2) / 2);
  for (std::size_t i = 2; i + 1 < n; i += 2) out.push_back(static_cast<char>(nibble(p[i]) << 4 | nibble(p[i + 1])));
  return out;
}

SqlValue convert(ColKind kind, const char* p, std::size_t n) {
  switch (kind) {
    case ColKind::kInt: {
      std::int64_t v = 0;
      const auto r = std::from_chars(p, p + n, v);
      if (r.ec == std::errc() && r.ptr == p + n) return SqlValue{v};
      break;
    }
    case ColKind::kBool:
      return SqlValue{std::int64_t{n > 0 && p[0] == 't' ? 1 : 0}};
    case ColKind::kDouble: {
      double v = 0;
      const auto r = std::from_chars(p, p + n, v);
      if (r.ec == std::errc() && r.ptr == p + n) return SqlValue{v};
      // numeric beyond double's range: strtod saturates to ±HUGE_VAL (p is NUL-terminated).
      return SqlValue{std::strtod(p, nullptr)};
    }
    case ColKind::kBytes:
      return SqlValue{unhex_bytea(p, n)};
    case ColKind::kText:
      break;
  }
  return SqlValue{std::string(p, n)};
}

struct Prepared {
  std::string name;
  int nparams = 0;
};

class PgConn final : public SqlConn {
 public:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  ~PgConn() override { PQfinish(conn_); }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  SqlBackend backend() const override { return SqlBackend::kPostgres; }

  Result<std::int64_t> exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    if (lost_txn_) {
      if (auto r = handle_lost_txn(sql); !r) return r.take_error();
      else if (*r) return std::int64_t{0};
    }
    ORDO_ASSIGN(PgResult res, run(sql, params));
    const char* tuples = PQcmdTuples(res.get());
    std::int64_t n = 0;
    if (tuples && *tuples) std::from_chars(tuples, tuples + std::strlen(tuples), n);
    return n;
  }

  Result<SqlRows> query(std::string_view sql, const std::vector<SqlValue>& params) override {
    if (lost_txn_) {
      if (auto r = handle_lost_txn(sql); !r) return r.take_error();
      else if (*r) return SqlRows{};
    }
    ORDO_ASSIGN(PgResult res, run(sql, params));
    const int nrows = PQntuples(res.get());
    const int ncols = PQnfields(res.get());
    std::vector<ColKind> kinds(static_cast<std::size_t>(ncols));
    for (int c = 0; c < ncols; ++c) kinds[static_cast<std::size_t>(c)] = col_kind(PQftype(res.get(), c));
    SqlRows rows;
    rows.reserve(static_cast<std::size_t>(nrows));
    for (int r = 0; r < nrows; ++r) {
      SqlRow& row = rows.emplace_back();
      row.reserve(static_cast<std::size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res.get(), r, c)) {
          row.emplace_back();
        } else {
          row.push_back(convert(kinds[static_cast<std::size_t>(c)], PQgetvalue(res.get(), r, c),
                                static_cast<std::size_t>(PQgetlength(res.get(), r, c))));
        }
      }
    }
    return rows;
  }

  Result<void> exec_script(std::string_view sql) override {
    if (lost_txn_) {
      if (auto r = handle_lost_txn(sql); !r) return r.take_error();
      else if (*r) return ok();
    }
    ORDO_TRY(ensure_connected());
    const std::string text(sql);
    const PGTransactionStatusType before = PQtransactionStatus(conn_);
    PgResult res(PQexec(conn_, text.c_str()));
    const ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return ok();
    return fail(res.get(), before, sql);
  }

  // Per-session setup, after connecting and after every PQreset.
  Result<void> setup() {
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    PgResult res(PQexec(conn_, "SET client_min_messages = warning"));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) return fail(res.get(), PQTRANS_IDLE, {});
    return ok();
  }

 private:
  // While a transaction lost with its connection is pending: ROLLBACK succeeds without a
  // round trip (the server rolled it back when the session died) and returns true;
  // BEGIN starts afresh; COMMIT reports the loss; anything else would run outside the
  // caller's transaction, so it fails.
  Result<bool> handle_lost_txn(std::string_view sql) {
    switch (statement_kind(sql)) {
      case StmtKind::kRollback:
        lost_txn_ = false;
        return true;
      case StmtKind::kBegin:
        lost_txn_ = false;
        return false;
      case StmtKind::kCommit:
        lost_txn_ = false;
        return unavailable("postgres: COMMIT failed: the connection was lost during the transaction");
      case StmtKind::kOther:
        break;
    }
    return unavailable("postgres: the connection was lost during a transaction; ROLLBACK first");
  }

  Result<void> ensure_connected() {
    if (PQstatus(conn_) == CONNECTION_OK) return ok();
    forget_all(/*server_side=*/false);  // a new session has no prepared statements
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      return unavailable("postgres: connection lost, reconnect failed: " + trimmed(PQerrorMessage(conn_)));
    }
    return setup();
  }

  Result<PgResult> run(std::string_view sql, const std::vector<SqlValue>& params) {
    ORDO_TRY(ensure_connected());
    for (int attempt = 0;; ++attempt) {
      const PGTransactionStatusType before = PQtransactionStatus(conn_);
      ORDO_ASSIGN(const Prepared* prepared, prepare(sql, before));
      if (static_cast<std::size_t>(prepared->nparams) != params.size()) {
        return internal_error("postgres: statement has " + std::to_string(prepared->nparams) +
                              " parameters, got " + std::to_string(params.size()) + " [in: " + excerpt(sql) + "]");
      }
      // Text-format values; `scratch` owns the numbers' text (reserved: no reallocation).
      // Blobs go in binary format (their length and format set per parameter).
      std::vector<std::string> scratch;
      scratch.reserve(params.size());
      std::vector<const char*> values(params.size(), nullptr);
      std::vector<int> lengths, formats;
      for (std::size_t i = 0; i < params.size(); ++i) {
        const SqlValue& v = params[i];
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
          values[i] = scratch.emplace_back(std::to_string(*n)).c_str();
        } else if (const auto* d = std::get_if<double>(&v)) {
          values[i] = scratch.emplace_back(format_double(*d)).c_str();
        } else if (const auto* s = std::get_if<std::string>(&v)) {
          values[i] = s->c_str();
        } else if (const auto* b = std::get_if<SqlBlob>(&v)) {
          if (formats.empty()) lengths.assign(params.size(), 0), formats.assign(params.size(), 0);
          values[i] = b->bytes.data();
          lengths[i] = static_cast<int>(b->bytes.size());
          formats[i] = 1;
        }
      }
      PgResult res(PQexecPrepared(conn_, prepared->name.c_str(), static_cast<int>(values.size()),
                                  values.empty() ? nullptr : values.data(), lengths.empty() ? nullptr : lengths.data(),
                                  formats.empty() ? nullptr : formats.data(), 0));
      const ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return res;
      // A migration changed a table under a prepared `SELECT *`-like statement: prepare
      // it again. Retrying is only safe outside a transaction (inside, it is now aborted).
      if (res && is_stale_plan(res.get())) {
        forget(sql);
        if (attempt == 0 && before == PQTRANS_IDLE) continue;
      }
      return fail(res.get(), before, sql);
    }
  }

  Result<const Prepared*> prepare(std::string_view sql, PGTransactionStatusType before) {
    if (auto it = cache_.find(sql); it != cache_.end()) return &it->second;
    Prepared p;
    const std::string text = rewrite_placeholders(sql, &p.nparams);
    if (cache_.size() >= kMaxCachedStatements) forget_all(/*server_side=*/true);
    p.name = "ordo_s" + std::to_string(++next_statement_id_);
    PgResult res(PQprepare(conn_, p.name.c_str(), text.c_str(), 0, nullptr));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) return fail(res.get(), before, sql);
    // Node-based map: the pointer stays valid until this entry is erased.
    return &cache_.emplace(std::string(sql), std::move(p)).first->second;
  }

  static bool is_stale_plan(const PGresult* res) {
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char* msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    return state && std::strcmp(state, "0A000") == 0 && msg &&
           std::strstr(msg, "cached plan must not change result type");
  }

  void forget(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) return;
    // Best effort: in an aborted transaction this fails and the name just stays unused.
    const std::string stmt = "DEALLOCATE " + it->second.name;
    PgResult res(PQexec(conn_, stmt.c_str()));
    cache_.erase(it);
  }

  void forget_all(bool server_side) {
    if (server_side) {
      PgResult res(PQexec(conn_, "DEALLOCATE ALL"));  // best effort, as in forget()
    }
    cache_.clear();
  }

  // Turns a failed result into an Error; remembers a transaction lost with the connection.
  Error fail(const PGresult* res, PGTransactionStatusType before, std::string_view sql) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    std::string primary = res ? trimmed(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) : "";
    if (primary.empty()) primary = trimmed(PQerrorMessage(conn_));
    if (primary.empty()) primary = "unknown error";

    if (sqlstate == "23505") {  // unique_violation
      // 'duplicate key value violates unique constraint "t_email_key"' + 'Key (email)=(a) already exists.'
      std::string msg = primary;
      const std::string detail = trimmed(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
      if (!detail.empty()) msg += ": " + detail;
      return conflict(std::move(msg));
    }
    const bool connection_bad = PQstatus(conn_) != CONNECTION_OK;
    if (connection_bad) {
      if (before != PQTRANS_IDLE && statement_kind(sql) == StmtKind::kOther) lost_txn_ = true;
      return unavailable("postgres: connection lost: " + primary);
    }
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate.starts_with("08") || sqlstate == "57P01" ||
        sqlstate == "57P02" || sqlstate == "57P03") {
      return unavailable("postgres: " + primary);
    }
    std::string msg = "postgres: " + primary;
    if (!sqlstate.empty()) msg += " (SQLSTATE " + sqlstate + ")";
    if (!sql.empty()) msg += " [in: " + excerpt(sql) + "]";
    return internal_error(std::move(msg));
  }

  // Constant after construction (the PGconn survives PQreset).
  PGconn* const conn_;
  // Used by one thread at a time (SqlConn contract).
  std::unordered_map<std::string, Prepared, StringHash, std::equal_to<>> cache_;
  std::uint64_t next_statement_id_ = 0;
  bool lost_txn_ = false;
};

}  // namespace

std::string rewrite_placeholders_for_test(std::string_view sql, int* count) {
  return rewrite_placeholders(sql, count);
}

Result<std::unique_ptr<SqlConn>> open_postgres(const std::string& url) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (!parsed) {
    std::string msg = parse_error ? trimmed(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return invalid("postgres: bad connection URL: " + msg);
  }
  PQconninfoFree(parsed);

  // Keywords are applied in order: the URL (expanded from dbname) overrides the defaults.
  const char* const keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* const values[] = {"10", "ordo", url.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!raw) return unavailable("postgres: out of memory while connecting");
  auto conn = std::make_unique<PgConn>(raw);  // owns raw from here on, even on failure
  if (PQstatus(raw) != CONNECTION_OK) {
    return unavailable("postgres: cannot connect: " + trimmed(PQerrorMessage(raw)));
  }
  ORDO_TRY(conn->setup());
  return std::unique_ptr<SqlConn>(std::move(conn));
}

}  // namespace ordo
