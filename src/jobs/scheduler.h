// Scheduler: the background jobs of `ordo serve`. Today one job: the SLA due queue
// (App::run_sla_timers), which fires sla.at_risk / sla.breached events when they fall due.
//
// The queue lives in the database (table sla_timers, indexed by due_at), so a tick costs one
// indexed range query however many tickets are open, nothing is lost on a restart, and
// several nodes may run a scheduler against one PostgreSQL database (rows are claimed with
// SKIP LOCKED; each event fires once).
//
// Thread-safety: start()/stop() from one owning thread; the job thread only calls App,
// which is thread-safe.
//
//   Scheduler jobs(app, {.interval = std::chrono::seconds(1)});
//   jobs.start();  ...  jobs.stop();
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "domain/result.h"

namespace ordo {

class App;

struct SchedulerOptions {
  std::chrono::milliseconds interval{1000};  // between passes when the queue had nothing due
  std::int64_t batch = 500;                  // tickets refreshed per transaction
};

class Scheduler {
 public:
  Scheduler(App& app, SchedulerOptions options = {});
  ~Scheduler();  // stops
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();
  void stop();  // waits for the current pass to finish

  // One pass: refreshes due tickets in batches until none is due (at most 1000 batches).
  // Returns the number of events fired. Used by the job thread and by tests.
  Result<std::int64_t> run_once();

  std::int64_t fired_total() const { return fired_total_.load(); }

 private:
  void loop();

  App& app_;
  SchedulerOptions options_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::atomic<std::int64_t> fired_total_{0};
};

}  // namespace ordo
