// Store: the database behind Ordo, one interface with two backends (DESIGN.md "Storage").
//
// A Store owns the connections and decides how transactions run. On both backends
// ("sqlite:PATH", "postgresql://…") one writer thread owns the write connection and groups
// concurrent commands into one transaction (group commit; on SQLite synchronous=FULL in WAL
// mode). Each command runs in its own SAVEPOINT, so a failing command rolls back only its
// own work. Reads use a pool of read connections. (Every write appends to the one hash
// chain, so writes are serial by nature; batching them is what makes them fast.)
// What a command does is backend-neutral SQL written against SqlConn (record_store.h).
// Thread-safe: any thread may call write()/read() concurrently.
//
//   auto store = Store::open("sqlite:var/ordo.db", &stats);
//   auto id = (*store)->write([&](SqlConn& c) -> Result<std::int64_t> { ... });
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "domain/result.h"
#include "store/sql.h"
#include "store/store_stats.h"

namespace ordo {

// While a NoWait is alive on a thread, that thread's store commands never wait: a write, and a
// read that would wait for (or have to open) a read connection, fail at once with kUnavailable
// and blocked() turns true. Nothing was written then. The HTTP server runs quick reads on its
// I/O threads this way and hands a request that would block to its worker pool (server.h).
// One per thread at a time (not nestable); reads may still wait on SQLite's own locks.
class NoWait {
 public:
  NoWait();
  ~NoWait();
  NoWait(const NoWait&) = delete;
  NoWait& operator=(const NoWait&) = delete;
  bool blocked() const;

  // For the stores: whether the calling thread is inside a NoWait; refuse() marks it blocked
  // and returns the error to fail the command with.
  static bool active();
  static Error refuse(std::string_view what);
};

class Store {
 public:
  using Command = std::function<Result<void>(SqlConn&)>;

  // Opens (and for SQLite creates) the database. Does not create the schema.
  static Result<std::unique_ptr<Store>> open(const std::string& url, StoreStats* stats = nullptr);
  virtual ~Store() = default;

  virtual SqlBackend backend() const = 0;
  const std::string& url() const { return url_; }

  // Runs `cmd` in a write transaction and returns once it is durably committed (or failed).
  virtual Result<void> write_command(Command cmd) = 0;
  // Runs `fn` on a read connection (no transaction spanning calls).
  virtual Result<void> read_command(const Command& fn) = 0;
  // Stops accepting writes, finishes the queued ones, closes connections. Idempotent.
  virtual void close() = 0;

  // Typed wrappers: fn returns Result<T>; the T comes back after commit.
  template <class F>
  auto write(F&& fn) -> decltype(fn(std::declval<SqlConn&>())) {
    using R = decltype(fn(std::declval<SqlConn&>()));
    std::optional<R> out;
    auto st = write_command([&](SqlConn& c) -> Result<void> {
      out.emplace(fn(c));
      if (!*out) return out->error();
      return {};
    });
    if (!st) return st.take_error();
    return std::move(*out);
  }
  template <class F>
  auto read(F&& fn) -> decltype(fn(std::declval<SqlConn&>())) {
    using R = decltype(fn(std::declval<SqlConn&>()));
    std::optional<R> out;
    auto st = read_command([&](SqlConn& c) -> Result<void> {
      out.emplace(fn(c));
      if (!*out) return out->error();
      return {};
    });
    if (!st) return st.take_error();
    return std::move(*out);
  }

 protected:
  std::string url_;
};

}  // namespace ordo
