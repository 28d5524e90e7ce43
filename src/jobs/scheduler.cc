#include "jobs/scheduler.h"

#include <spdlog/spdlog.h>

#include "app/app.h"

namespace ordo {

Scheduler::Scheduler(App& app, SchedulerOptions options) : app_(app), options_(options) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<std::int64_t> Scheduler::run_once() {
  std::int64_t fired = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = app_.run_sla_timers(options_.batch);
    if (!r) return r.take_error();
    fired += *r;
    // A batch that fired nothing may still have moved tickets on; a short batch means the
    // queue has nothing more due.
    if (*r == 0) break;
  }
  fired_total_ += fired;
  // Resolved incidents past their confirmation period close (a cheap indexed query).
  auto closed = app_.run_auto_close(options_.batch);
  if (!closed) return closed.take_error();
  if (*closed > 0) spdlog::info("auto-close: closed {} resolved incidents", *closed);
  return fired;
}

void Scheduler::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto r = run_once();
    if (!r)
      spdlog::warn("sla timers: {}", r.error().message);
    else if (*r > 0)
      spdlog::info("sla timers: fired {} events", *r);
    lock.lock();
    cv_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace ordo
