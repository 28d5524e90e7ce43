// Bench data: fills a database with realistic data for benchmarks (`ordo bench-data`,
// issues #4 and #6).
//
// Through the App (so with every check the API applies): one provider and `customers`
// customer organisations, `teams` teams, the office-hours calendars of
// domain/bench_profile.h, `services` live services, and agreements — a standard SLA per
// service on that service's calendar (or 24x7), plus a gold SLA for every fifth customer on
// the five busiest services. Then `incidents` incidents from BenchProfile, written directly
// in large transactions (`batch` per Store::write) for speed, but exactly as the app would
// have written them one command at a time:
//   * the incident row in its final state (version = 1 + its updates and transitions);
//   * its history with the event shapes of src/app/records.cc — create, update (priority
//     changes, reassignments), transition, reply {"public": true} — at the profile's
//     instants, hash-chained by append_event; values come from validate_create /
//     validate_patch / validate_transition, so derived and stamped fields match;
//   * its sla_* fields from the real clock rebuilt from that history (sla_timeline →
//     evaluate_sla_clock → sla_columns) as of the fixed instant `now`;
//   * for incidents still open at `now`, the due-queue row (SlaEngine::sync_timers, which
//     also announces the at-risk / breached targets, at `now`, as the scheduler would).
// So `GET /api/v1/incidents/{id}/sla` with the clock at `now` recomputes exactly the stored
// figures, and `ordo audit verify` passes.
//
// Preparing a batch (profile, validation, clock, the events' JSON) runs on `threads` helper
// threads while the store's writer commits the previous one; the writer inserts the rows
// several to a statement and chains the events' hashes. The database should hold nothing but the schema and the
// administrator (`ordo init`); the generator refuses one that already has incidents.
//
//   auto r = generate_bench_data(app, {.incidents = 1000000, .now = clock.now(),
//                                      .progress = [](const BenchDataProgress& p) { … }});
#pragma once

#include <cstdint>
#include <functional>

#include "app/app.h"
#include "domain/clock.h"
#include "domain/result.h"

namespace ordo {

struct BenchDataProgress {
  std::int64_t done = 0;   // incidents committed
  std::int64_t total = 0;
  double seconds = 0;      // since the first incident batch started
};

struct BenchDataOptions {
  std::int64_t incidents = 1000;
  std::uint64_t seed = 42;
  int services = 20;
  int customers = 50;
  int teams = 12;
  Instant now = 0;            // the instant the SLA figures are evaluated at; 0: the app's clock
  std::int64_t batch = 5000;  // incidents per transaction
  int threads = 0;            // prep threads; 0: one per core. The data is the same for any count
  std::function<void(const BenchDataProgress&)> progress;  // after each committed batch
};

struct BenchDataReport {
  std::int64_t incidents = 0;
  std::int64_t events = 0;     // incident history events written (sla announcements included)
  std::int64_t open = 0;       // incidents not resolved, closed or cancelled at `now`
  double setup_seconds = 0;    // organisations, services, agreements …
  double incident_seconds = 0; // the incidents, indexes included
  double index_seconds = 0;    // of which building the secondary and full-text indexes at the end
};

Result<BenchDataReport> generate_bench_data(App& app, const BenchDataOptions& options);

}  // namespace ordo
