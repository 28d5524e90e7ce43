#include "store/store.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "store/event_log.h"
#include "store/postgres/pg_conn.h"
#include "store/sqlite/sqlite_conn.h"

namespace ordo {

namespace {

// Runs a command, turning an escaping exception into an internal error for that command
// alone (STYLE.md: one bad command must not take the server down).
Result<void> run_guarded(const Store::Command& cmd, SqlConn& c) {
  try {
    return cmd(c);
  } catch (const std::exception& e) {
    spdlog::error("store: command threw: {}", e.what());
    return internal_error(std::string("command failed: ") + e.what());
  } catch (...) {
    return internal_error("command failed");
  }
}

struct NoWaitState {
  bool active = false;
  bool blocked = false;
};
thread_local NoWaitState t_no_wait;

// A pool of connections made on demand; callers borrow one for one command.
// Protected by mu_: free_, open_count_.
class ConnPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<SqlConn>>()>;
  ConnPool(Factory f, std::size_t max) : factory_(std::move(f)), max_(max) {}

  Result<std::unique_ptr<SqlConn>> acquire() {
    std::unique_lock lock(mu_);
    if (NoWait::active() && free_.empty()) return NoWait::refuse("no free read connection");
    cv_.wait(lock, [&] { return !free_.empty() || open_count_ < max_; });
    if (!free_.empty()) {
      auto c = std::move(free_.back());
      free_.pop_back();
      return c;
    }
    ++open_count_;
    lock.unlock();
    auto c = factory_();
    if (!c) {
      std::lock_guard g(mu_);
      --open_count_;
      cv_.notify_one();
    }
    return c;
  }
  void release(std::unique_ptr<SqlConn> c, bool healthy) {
    std::lock_guard g(mu_);
    if (healthy) free_.push_back(std::move(c));
    else --open_count_;
    cv_.notify_one();
  }
  void clear() {
    std::lock_guard g(mu_);
    open_count_ -= free_.size();
    free_.clear();
  }

 private:
  Factory factory_;
  const std::size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqlConn>> free_;
  std::size_t open_count_ = 0;
};

Result<void> with_pooled(ConnPool& pool, StoreStats* stats,
                         const std::function<Result<void>(SqlConn&)>& fn) {
  auto c = pool.acquire();
  if (!c) return c.take_error();
  auto r = fn(**c);
  bool healthy = r.ok() || r.error().kind != ErrorKind::kUnavailable;
  if (!r && r.error().kind == ErrorKind::kInternal && stats) stats->db_errors.fetch_add(1);
  pool.release(std::move(*c), healthy);
  return r;
}

// ---------------------------------------------------------------------------------------
// Both backends: one writer thread with group commit, plus a pool of read connections.
//
// SQLite allows one writer at a time anyway; grouping concurrent commands into one durable
// transaction is what makes fsync-per-commit affordable. PostgreSQL could take writes on
// many connections, but every command appends to the one hash chain (an advisory lock held
// to commit), so parallel writers would only queue on that lock: one writer that batches
// them is faster (first benchmark: 740 creates/s at 16 connections with a pool of writers,
// falling to 470 at 64).
//
// Invariants:
//  1. Only writer_ touches write_conn_.
//  2. A command's promise is fulfilled only after COMMIT returned (durable), or with an
//     error when its own savepoint or the whole transaction was rolled back.
//  3. After close() no command is accepted; queued ones still run.
class GroupCommitStore final : public Store {
 public:
  static constexpr std::size_t kMaxBatch = 256;
  // Read connections: beyond a few per core they only add memory (each has its own page
  // cache); handlers beyond this wait for a free one.
  static constexpr std::size_t kMaxReaders = 16;

  GroupCommitStore(SqlBackend backend, std::unique_ptr<SqlConn> write_conn, ConnPool::Factory reader_factory,
                   StoreStats* stats)
      : backend_(backend),
        begin_sql_(backend == SqlBackend::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN"),
        stats_(stats),
        write_conn_(std::move(write_conn)),
        readers_(std::move(reader_factory), kMaxReaders) {
    // New records' FTS5 rows wait for the end of the group (SqlConn::exec_at_commit).
    write_conn_->set_deferring(backend == SqlBackend::kSqlite);
    // Appends after a group's first know the chain head (SqlConn::cached_chain_head).
    write_conn_->set_caching_chain_head(true);
    writer_ = std::thread([this] { writer_loop(); });
  }
  ~GroupCommitStore() override { close(); }

  SqlBackend backend() const override { return backend_; }

  Result<void> write_command(Command cmd) override {
    if (NoWait::active()) return NoWait::refuse("a write waits for the group commit");
    Pending p{std::move(cmd), {}};
    auto fut = p.done.get_future();
    {
      std::lock_guard g(mu_);
      if (closed_) return Error{ErrorKind::kUnavailable, "the store is shutting down", {}, {}};
      queue_.push_back(std::move(p));
      if (stats_) stats_->write_queue.fetch_add(1, std::memory_order_relaxed);
    }
    cv_.notify_one();
    return fut.get();
  }

  Result<void> read_command(const Command& fn) override {
    return with_pooled(readers_, stats_, [&](SqlConn& c) { return run_guarded(fn, c); });
  }

  void close() override {
    {
      std::lock_guard g(mu_);
      if (closed_ && !writer_.joinable()) return;
      closed_ = true;
    }
    cv_.notify_one();
    if (writer_.joinable()) writer_.join();
    readers_.clear();
    write_conn_.reset();
  }

 private:
  struct Pending {
    Command cmd;
    std::promise<Result<void>> done;
  };

  void writer_loop() {
    std::vector<Pending> batch;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty() && closed_) return;
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        if (stats_) stats_->write_queue.fetch_sub(static_cast<std::int64_t>(batch.size()), std::memory_order_relaxed);
      }
      run_batch(batch);
      batch.clear();
    }
  }

  void run_batch(std::vector<Pending>& batch) {
    SqlConn& c = *write_conn_;
    std::vector<Result<void>> results;
    results.reserve(batch.size());
    auto begun = c.exec(begin_sql_);
    if (!begun) {
      fail_all(batch, begun.error());
      return;
    }
    // A command alone in its group needs no SAVEPOINT of its own: if it fails, the whole
    // transaction is rolled back instead, with the same effect. That spares the savepoint's
    // sub-journal, a copy of every page the command changes (an import batch of 500
    // tickets: tens of MiB), and FTS5's flush of its pending terms at the savepoint.
    const bool alone = batch.size() == 1;
    c.clear_deferred();
    c.reset_chain_head();
    for (auto& p : batch) {
      if (!alone) {
        if (auto sp = c.exec("SAVEPOINT cmd"); !sp) {
          results.push_back(sp.error());
          continue;
        }
      }
      const SqlConn::DeferredMark mark = c.deferred_mark();
      auto r = run_guarded(p.cmd, c);
      if (!r && r.error().kind == ErrorKind::kInternal && stats_) stats_->db_errors.fetch_add(1);
      if (alone) {
        if (!r) {
          (void)c.exec("ROLLBACK");
          c.clear_deferred();
          c.reset_chain_head();
          if (stats_) stats_->record_batch(1);
          p.done.set_value(std::move(r));
          return;
        }
      } else {
        if (!r) {
          (void)c.exec("ROLLBACK TO cmd");
          c.rollback_deferred(mark);
          c.forget_chain_head();
        }
        (void)c.exec("RELEASE cmd");
      }
      results.push_back(std::move(r));
    }
    // What the commands deferred, outside their savepoints, and the chain head their events
    // left (event_log.h, record_chain_head); if either fails, nothing commits.
    auto deferred = c.run_deferred();
    c.clear_deferred();
    if (deferred) deferred = record_chain_head(c);
    auto committed = deferred ? c.exec("COMMIT") : Result<std::int64_t>(deferred.error());
    if (!committed) {
      (void)c.exec("ROLLBACK");
      c.reset_chain_head();
      if (stats_) stats_->db_errors.fetch_add(1);
      spdlog::error("store: commit failed: {}", committed.error().message);
      fail_all(batch, committed.error());
      return;
    }
    if (stats_) stats_->record_batch(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(std::move(results[i]));
  }

  static void fail_all(std::vector<Pending>& batch, const Error& e) {
    for (auto& p : batch) p.done.set_value(e);
  }

  const SqlBackend backend_;
  const std::string begin_sql_;
  StoreStats* const stats_;
  std::unique_ptr<SqlConn> write_conn_;  // writer_ only
  ConnPool readers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool closed_ = false;        // guarded by mu_
  std::thread writer_;
};

}  // namespace

NoWait::NoWait() { t_no_wait = {true, false}; }
NoWait::~NoWait() { t_no_wait = {}; }
bool NoWait::blocked() const { return t_no_wait.blocked; }
bool NoWait::active() { return t_no_wait.active; }
Error NoWait::refuse(std::string_view what) {
  t_no_wait.blocked = true;
  return Error{ErrorKind::kUnavailable, "would block: " + std::string(what), {}, {}};
}

Result<std::unique_ptr<Store>> Store::open(const std::string& url, StoreStats* stats) {
  std::unique_ptr<Store> s;
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite://PATH
    if (path.empty()) return invalid("sqlite URL needs a path: sqlite:PATH");
    auto conn = open_sqlite(path, true);
    if (!conn) return conn.take_error();
    // The writer touches every index of every table it writes (an incident has ~25): give it
    // a page cache that holds their hot pages on a large database (readers keep 8 MiB each).
    // Its sorts (CREATE INDEX after a bulk load or a migration) may use a helper thread per core.
    //
    // Its statement journals are not SQLite's in-memory ones (temp_store=FILE): the group
    // commit (and an import batch) holds one SAVEPOINT over many statements, every statement
    // that ends truncates the sub-journal back to where it began, and SQLite's in-memory
    // journal finds that offset by walking its chunk list from the start, so the cost of each
    // statement grew with the batch (half the CPU of a 20k-incident import was that walk).
    // Past its first 64 KiB such a "file" journal goes to our VFS (sqlite/subjournal_vfs.h),
    // which keeps it in one flat buffer: truncation is a size change, no kernel write.
    const std::string pragmas = "PRAGMA cache_size=-131072; PRAGMA temp_store=FILE; PRAGMA threads=" +  // 128 MiB
                                std::to_string(std::max(1u, std::thread::hardware_concurrency())) + ";";
    if (auto r = (*conn)->exec_script(pragmas); !r) return r.take_error();
    s = std::make_unique<GroupCommitStore>(SqlBackend::kSqlite, std::move(*conn),
                                           [path] { return open_sqlite(path, false); }, stats);
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    auto conn = open_postgres(url);
    if (!conn) return conn.take_error();
    s = std::make_unique<GroupCommitStore>(SqlBackend::kPostgres, std::move(*conn),
                                           [url] { return open_postgres(url); }, stats);
  } else {
    return invalid("unsupported database URL '" + url + "': use sqlite:PATH or postgresql://…");
  }
  s->url_ = url;
  return s;
}

}  // namespace ordo
