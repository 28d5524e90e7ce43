// bench_sqlite_insert: the floor for a durable write on this machine — a bare loop of
// single-row SQLite transactions, with the settings Ordo's SQLite backend uses
// (journal_mode=WAL, synchronous=FULL), so every commit is an fsync of the WAL.
//
// Each thread opens its own connection to a fresh database file, then for the given number
// of seconds runs BEGIN IMMEDIATE; INSERT one incident-shaped row; COMMIT — one durable
// transaction per row, prepared statements reused, no indexes but the rowid. With several
// threads SQLite serialises the writers (busy_timeout, as in Ordo), so the figure shows what
// naive concurrent durable writes get without group commit. Prints one line of JSON:
//
//   {"benchmark":"sqlite_insert","threads":1,"seconds":5.0,"inserts":N,"errors":0,
//    "inserts_per_sec":…,"p50_ms":…,"p99_ms":…,"max_ms":…}
//
// Latency is per transaction (BEGIN to COMMIT returned), merged over all threads.
//
//   bench_sqlite_insert --seconds 5 --path /tmp/x/baseline.db [--threads 16]
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kBusyTimeoutMs = 10000;  // the same as Ordo's connections

// The pragmas of src/store/sqlite/sqlite_conn.cc that matter for a write.
constexpr const char* kPragmas =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA cache_size=-16384;"
    "PRAGMA temp_store=MEMORY;";

// A small incident row: the columns an Ordo incident has, without its indexes, full-text
// index or event log.
constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS incidents ("
    " id INTEGER PRIMARY KEY,"
    " number TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " status TEXT NOT NULL,"
    " title TEXT NOT NULL,"
    " description TEXT,"
    " service INTEGER,"
    " customer INTEGER,"
    " impact INTEGER NOT NULL,"
    " urgency INTEGER NOT NULL,"
    " priority TEXT,"
    " reported_at INTEGER,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " created_by INTEGER)";

constexpr const char* kInsert =
    "INSERT INTO incidents (number, version, status, title, description, service, customer,"
    " impact, urgency, priority, reported_at, created_at, updated_at, created_by)"
    " VALUES (?1, 1, 'new', ?2, ?3, 1, 1, ?4, ?5, ?6, ?7, ?7, ?7, 1)";

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

bool exec(sqlite3* db, const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) == SQLITE_OK) return true;
  std::cerr << "bench_sqlite_insert: " << (msg ? msg : sqlite3_errmsg(db)) << " [" << sql << "]\n";
  sqlite3_free(msg);
  return false;
}

DbPtr open_db(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    std::cerr << "bench_sqlite_insert: cannot open " << path << ": " << sqlite3_errstr(rc) << "\n";
    return nullptr;
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  if (!exec(db.get(), kPragmas)) return nullptr;
  return db;
}

StmtPtr prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
    std::cerr << "bench_sqlite_insert: " << sqlite3_errmsg(db) << " [" << sql << "]\n";
    return nullptr;
  }
  return StmtPtr(raw);
}

// Steps a statement that returns no rows, then resets it.
bool step_done(sqlite3_stmt* s) {
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc == SQLITE_DONE;
}

struct WorkerResult {
  std::vector<double> latencies_ms;
  std::int64_t errors = 0;
  Clock::time_point finished;
  bool ok = true;
};

// One writer: single-row durable transactions until `stop`.
void writer(const std::string& path, int thread_index, const std::atomic<bool>& stop, WorkerResult& out) {
  DbPtr db = open_db(path);
  StmtPtr begin = db ? prepare(db.get(), "BEGIN IMMEDIATE") : nullptr;
  StmtPtr insert = db ? prepare(db.get(), kInsert) : nullptr;
  StmtPtr commit = db ? prepare(db.get(), "COMMIT") : nullptr;
  if (!begin || !insert || !commit) {
    out.ok = false;
    out.finished = Clock::now();
    return;
  }
  out.latencies_ms.reserve(1 << 16);
  const std::string description =
      "Users on the third floor report that the shared printer drops jobs after the first page.";
  std::int64_t n = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    ++n;
    char number[32];
    std::snprintf(number, sizeof number, "INC-%d-%06lld", thread_index, static_cast<long long>(n));
    const std::string title = "Bench incident " + std::to_string(thread_index) + "-" + std::to_string(n);
    const int impact = static_cast<int>(n % 3) + 1;
    const int urgency = static_cast<int>((n / 3) % 3) + 1;
    static constexpr const char* kPriority[] = {"P1", "P2", "P3", "P4"};
    const char* priority = kPriority[std::min(impact + urgency - 2, 3)];
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();

    const auto t0 = Clock::now();
    if (!step_done(begin.get())) {
      ++out.errors;
      continue;
    }
    sqlite3_bind_text(insert.get(), 1, number, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert.get(), 2, title.c_str(), static_cast<int>(title.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert.get(), 3, description.c_str(), static_cast<int>(description.size()), SQLITE_STATIC);
    sqlite3_bind_int(insert.get(), 4, impact);
    sqlite3_bind_int(insert.get(), 5, urgency);
    sqlite3_bind_text(insert.get(), 6, priority, -1, SQLITE_STATIC);
    sqlite3_bind_int64(insert.get(), 7, now_s);
    const bool inserted = step_done(insert.get());
    sqlite3_clear_bindings(insert.get());
    if (!inserted || !step_done(commit.get())) {
      ++out.errors;
      exec(db.get(), "ROLLBACK");
      continue;
    }
    const auto t1 = Clock::now();
    out.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  out.finished = Clock::now();
}

// Nearest-rank percentile of a sorted sample; 0 when empty.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void remove_db_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"bench_sqlite_insert: single-row durable SQLite inserts (the floor for a durable write)"};
  double seconds = 5;
  int threads = 1;
  std::string path = "bench_sqlite_insert.db";
  bool keep = false;
  cli.add_option("seconds,--seconds", seconds, "how long to insert")->check(CLI::PositiveNumber);
  cli.add_option("--threads", threads, "writer threads, each with its own connection")->check(CLI::Range(1, 1024));
  cli.add_option("--path", path, "database file (deleted first, and after unless --keep)");
  cli.add_flag("--keep", keep, "keep the database file afterwards");
  CLI11_PARSE(cli, argc, argv);

  remove_db_files(path);
  {
    DbPtr db = open_db(path);
    if (!db || !exec(db.get(), kSchema)) return 1;
  }

  std::atomic<bool> stop{false};
  std::vector<WorkerResult> results(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int i = 0; i < threads; ++i)
    workers.emplace_back(writer, path, i, std::cref(stop), std::ref(results[static_cast<std::size_t>(i)]));
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();

  std::vector<double> all;
  std::int64_t errors = 0;
  auto finished = start;
  bool ok = true;
  for (auto& r : results) {
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    errors += r.errors;
    finished = std::max(finished, r.finished);
    ok = ok && r.ok;
  }
  if (!keep) remove_db_files(path);
  if (!ok) return 1;
  std::sort(all.begin(), all.end());
  const double elapsed = std::chrono::duration<double>(finished - start).count();
  const auto inserts = static_cast<std::int64_t>(all.size());

  std::printf(
      "{\"benchmark\":\"sqlite_insert\",\"threads\":%d,\"seconds\":%.3f,\"inserts\":%lld,\"errors\":%lld,"
      "\"inserts_per_sec\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
      threads, elapsed, static_cast<long long>(inserts), static_cast<long long>(errors),
      elapsed > 0 ? static_cast<double>(inserts) / elapsed : 0.0, percentile(all, 50), percentile(all, 99),
      all.empty() ? 0.0 : all.back());
  return inserts > 0 ? 0 : 1;
}
