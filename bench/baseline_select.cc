// bench_select: the floor for a queue view on this machine — a plain SELECT of 50 rows by
// index, with no HTTP, no JSON, no authorisation: the query an agent's team queue needs
// ("open incidents of team G, by SLA due time"), straight against the database `ordo
// bench-data` filled, every column of every row read.
//
//   SELECT * FROM incidents WHERE assignment_group = ? AND is_open = 1
//   ORDER BY sla_due_at, id LIMIT 50
//
// which the index incidents_assignment_group_queue_idx (assignment_group, is_open,
// sla_due_at, id) answers without a sort. G cycles through the teams the table holds. Each
// thread has its own connection (SQLite: read-only, WAL as Ordo's readers; PostgreSQL:
// libpq, the statement prepared once). Prints one line of JSON:
//
//   {"benchmark":"select50","backend":"sqlite","threads":1,"seconds":5.0,"queries":N,
//    "queries_per_sec":…,"rows_per_query":50.0,"p50_ms":…,"p99_ms":…,"max_ms":…}
//
//   bench_select --seconds 5 --db sqlite:/tmp/x/ordo-large.db [--threads 2]
//   bench_select --seconds 5 --db postgresql://ordo@127.0.0.1:5432/bench
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kQuery =
    "SELECT * FROM incidents WHERE assignment_group = ? AND is_open = 1 ORDER BY sla_due_at, id LIMIT 50";
constexpr const char* kPgQuery =
    "SELECT * FROM incidents WHERE assignment_group = $1 AND is_open = 1 "
    "ORDER BY sla_due_at NULLS FIRST, id LIMIT 50";
constexpr const char* kGroups = "SELECT DISTINCT assignment_group FROM incidents WHERE assignment_group IS NOT NULL";

struct WorkerResult {
  std::vector<double> latencies_ms;
  std::int64_t rows = 0;
  std::uint64_t checksum = 0;  // of the bytes read, so nothing is optimised away
  std::string error;
};

// A database a worker reads through: one query with the group as its parameter.
class Reader {
 public:
  virtual ~Reader() = default;
  virtual std::string open(const std::string& url) = 0;  // "" or why not
  virtual std::vector<std::int64_t> groups(std::string& error) = 0;
  virtual bool query(std::int64_t group, WorkerResult& out) = 0;
};

class SqliteReader final : public Reader {
 public:
  ~SqliteReader() override {
    sqlite3_finalize(stmt_);
    sqlite3_close_v2(db_);
  }
  std::string open(const std::string& url) override {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
      return "cannot open " + path + ": " + sqlite3_errmsg(db_);
    sqlite3_exec(db_, "PRAGMA cache_size=-8192;", nullptr, nullptr, nullptr);  // Ordo's readers: 8 MiB
    if (sqlite3_prepare_v3(db_, kQuery, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      return std::string(sqlite3_errmsg(db_)) + " [" + kQuery + "]";
    return {};
  }
  std::vector<std::int64_t> groups(std::string& error) override {
    std::vector<std::int64_t> out;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, kGroups, -1, &s, nullptr) != SQLITE_OK) {
      error = sqlite3_errmsg(db_);
      return out;
    }
    while (sqlite3_step(s) == SQLITE_ROW) out.push_back(sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
    return out;
  }
  bool query(std::int64_t group, WorkerResult& out) override {
    sqlite3_bind_int64(stmt_, 1, group);
    const int columns = sqlite3_column_count(stmt_);
    int rc;
    while ((rc = sqlite3_step(stmt_)) == SQLITE_ROW) {
      ++out.rows;
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt_, c)) {
          case SQLITE_INTEGER: out.checksum += static_cast<std::uint64_t>(sqlite3_column_int64(stmt_, c)); break;
          case SQLITE_FLOAT: out.checksum += static_cast<std::uint64_t>(sqlite3_column_double(stmt_, c)); break;
          case SQLITE_NULL: break;
          default: {
            const auto* text = sqlite3_column_text(stmt_, c);
            const int n = sqlite3_column_bytes(stmt_, c);
            if (n > 0) out.checksum += text[0] + static_cast<std::uint64_t>(n);
          }
        }
      }
    }
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE) {
      out.error = sqlite3_errmsg(db_);
      return false;
    }
    return true;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class PgReader final : public Reader {
 public:
  ~PgReader() override { PQfinish(conn_); }
  std::string open(const std::string& url) override {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) return std::string("cannot connect: ") + PQerrorMessage(conn_);
    PGresult* r = PQprepare(conn_, "q", kPgQuery, 1, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return std::string(PQerrorMessage(conn_)) + " [" + kPgQuery + "]";
    return {};
  }
  std::vector<std::int64_t> groups(std::string& error) override {
    std::vector<std::int64_t> out;
    PGresult* r = PQexec(conn_, kGroups);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) error = PQerrorMessage(conn_);
    else
      for (int i = 0; i < PQntuples(r); ++i) out.push_back(std::stoll(PQgetvalue(r, i, 0)));
    PQclear(r);
    return out;
  }
  bool query(std::int64_t group, WorkerResult& out) override {
    const std::string g = std::to_string(group);
    const char* values[] = {g.c_str()};
    PGresult* r = PQexecPrepared(conn_, "q", 1, values, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      out.error = PQerrorMessage(conn_);
      PQclear(r);
      return false;
    }
    const int rows = PQntuples(r), columns = PQnfields(r);
    for (int i = 0; i < rows; ++i)
      for (int c = 0; c < columns; ++c)
        if (!PQgetisnull(r, i, c)) out.checksum += static_cast<unsigned char>(PQgetvalue(r, i, c)[0]) + PQgetlength(r, i, c);
    out.rows += rows;
    PQclear(r);
    return true;
  }

 private:
  PGconn* conn_ = nullptr;
};

std::unique_ptr<Reader> make_reader(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) return std::make_unique<SqliteReader>();
  return std::make_unique<PgReader>();
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"bench_select: plain SELECTs of 50 rows by index (the queue view's floor)"};
  double seconds = 5;
  int threads = 1;
  std::string url;
  cli.add_option("--seconds", seconds, "how long to run")->check(CLI::PositiveNumber);
  cli.add_option("--threads", threads, "reader threads, one connection each")->check(CLI::PositiveNumber);
  cli.add_option("--db", url, "sqlite:PATH or postgresql://… of a database ordo bench-data filled")->required();
  CLI11_PARSE(cli, argc, argv);
  const bool lite = url.rfind("sqlite:", 0) == 0;
  if (!lite && url.rfind("postgres", 0) != 0) {
    std::cerr << "bench_select: --db must be sqlite:PATH or postgresql://…\n";
    return 2;
  }

  std::vector<std::int64_t> groups;
  {
    auto probe = make_reader(url);
    if (auto e = probe->open(url); !e.empty()) {
      std::cerr << "bench_select: " << e << "\n";
      return 1;
    }
    std::string error;
    groups = probe->groups(error);
    if (!error.empty() || groups.empty()) {
      std::cerr << "bench_select: no assignment groups in incidents" << (error.empty() ? "" : ": " + error)
                << " (fill the database with ordo bench-data first)\n";
      return 1;
    }
  }

  std::atomic<bool> stop{false};
  std::vector<WorkerResult> results(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      WorkerResult& out = results[static_cast<std::size_t>(t)];
      auto reader = make_reader(url);
      if (auto e = reader->open(url); !e.empty()) {
        out.error = e;
        return;
      }
      out.latencies_ms.reserve(1 << 16);
      for (std::size_t i = static_cast<std::size_t>(t); !stop.load(std::memory_order_relaxed); ++i) {
        const auto t0 = Clock::now();
        if (!reader->query(groups[i % groups.size()], out)) return;
        out.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all;
  std::int64_t rows = 0;
  std::uint64_t checksum = 0;
  for (auto& r : results) {
    if (!r.error.empty()) {
      std::cerr << "bench_select: " << r.error << "\n";
      return 1;
    }
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    rows += r.rows;
    checksum += r.checksum;
  }
  std::sort(all.begin(), all.end());
  const auto queries = static_cast<std::int64_t>(all.size());
  std::printf(
      "{\"benchmark\":\"select50\",\"backend\":\"%s\",\"threads\":%d,\"seconds\":%.3f,\"queries\":%lld,"
      "\"queries_per_sec\":%.1f,\"rows_per_query\":%.1f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,"
      "\"checksum\":%llu}\n",
      lite ? "sqlite" : "postgres", threads, elapsed, static_cast<long long>(queries),
      static_cast<double>(queries) / elapsed, queries ? static_cast<double>(rows) / static_cast<double>(queries) : 0.0,
      percentile(all, 0.50), percentile(all, 0.99), all.empty() ? 0.0 : all.back(),
      static_cast<unsigned long long>(checksum));
  return 0;
}
