// Server: the HTTP/1.1 front door (Boost.Beast), kept thin like the Beast example servers:
// it reads a request, hands it to the Router on a worker thread, and writes the response.
//
// Threads: `io_threads` run the Asio event loop (accept, read, write; they never block);
// `worker_threads` run handlers, which may block on the database (group commit). Each
// connection is served one request at a time (pipelined requests wait in its buffer), has a
// body limit (413 problem, then close), a read timeout per request and an idle timeout
// between keep-alive requests. Every response carries an X-Request-Id (the client's, when
// sane, else generated) and every request is logged as one JSON line (access_log.h) and
// counted in the metrics served at GET /metrics.
//
// Lifecycle: start() binds and returns at once; stop() stops accepting, closes idle
// keep-alive connections, lets in-flight requests finish and answer (Connection: close) for
// up to 10 s, then closes the connections still busy, waits for handlers already running
// in App (they cannot be interrupted; their answers are dropped) and joins all threads.
// stop() is idempotent, callable from any thread, and called by the destructor. Not
// copyable; port() from any thread.
//
//   Server server(app, {.port = 0});
//   auto port = server.start();       // Result<uint16_t>: the bound port
//   if (!port) return fail(port.error());
//   server.run_until_signal();        // SIGINT/SIGTERM -> graceful stop()
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "domain/result.h"

namespace ordo {

class App;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = ephemeral (tests)
  std::size_t io_threads = 2;
  std::size_t worker_threads = 64;
  std::size_t body_limit = 1 << 20;
  std::chrono::seconds read_timeout{30};   // to receive one whole request once it has begun
  std::chrono::seconds idle_timeout{75};   // keep-alive wait for the next request
  bool secure_cookies = false;             // add `Secure` to the session cookie
  std::string static_dir;                  // serve files (index.html fallback) when set
  // Run quick routes (Route::quick: GET of one record, /api/v1/me, /healthz) on the I/O
  // thread that read them, inside a NoWait (store.h): when the store would have to wait (no
  // free read connection, or a write) the answer is dropped and the request goes to the
  // worker pool as usual. Saves the two thread hand-offs per request; for stores whose reads
  // answer in microseconds (SQLite). `ordo serve` turns it on for SQLite.
  bool quick_reads_inline = false;
};

class Server {
 public:
  Server(App& app, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, starts the threads; returns the bound port. Non-blocking.
  // kInvalid for a bad host, kUnavailable when the address cannot be bound, kConflict when
  // already started.
  Result<std::uint16_t> start();
  // Graceful shutdown (see above). Safe to call more than once or without start().
  void stop();
  // Blocks until SIGINT or SIGTERM (or stop() from another thread), then stops.
  void run_until_signal();
  // The bound port; 0 before start().
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ordo
