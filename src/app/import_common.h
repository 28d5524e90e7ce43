// What the importers share (src/app/import.cc): who may import, name and number lookups,
// and the write phase — tickets in batches, each batch one transaction, each ticket inserted
// in its final state with its history as events at their original times.
//
// The importers (import.cc for NDJSON, import_servicenow.cc for ServiceNow's event log)
// check their whole input first and then hand write_import an ImportSource that plans the
// tickets again, batch by batch, so memory stays proportional to a batch, not to the file.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/app.h"
#include "app/sla.h"
#include "domain/import_line.h"
#include "store/store.h"

namespace ordo {

inline constexpr std::int64_t kMaxImportBatch = 10000;  // tickets per transaction

// Administrators and process managers (of incidents); checks options.batch_size too.
Result<void> check_import_request(const Principal& p, const App::ImportOptions& options);

// name → ids of one reference table (names need not be unique: two hits are ambiguous).
using NameIndex = std::map<std::string, std::vector<std::int64_t>, std::less<>>;
Result<NameIndex> load_names(SqlConn& c, const RecordType& t);

// The numbers among `wanted` that the type's table already has.
Result<std::set<std::string>> taken_numbers(SqlConn& c, const RecordType& t, const std::vector<std::string>& wanted);

// One ticket to write: the number to keep ("" for the type's next one) and its plan.
struct ImportItem {
  std::string number;
  ImportPlan plan;
};

// The checked input as the write phase sees it.
struct ImportSource {
  std::size_t count = 0;      // tickets
  std::string unit = "line";  // what the input's tickets are called in messages ("line", "incident")
  // The first and last input line of ticket i (error messages).
  std::function<std::pair<std::int64_t, std::int64_t>(std::size_t)> lines;
  // Plans tickets [from, to) (they were all checked before: an error here is unexpected).
  std::function<Result<std::vector<ImportItem>>(std::size_t from, std::size_t to)> plan;
  // true: the SLA engine recomputes each ticket's sla_* fields and due-queue row from its
  // history; false: the plans carry the figures (an import whose source judged its SLA).
  bool refresh_sla = true;
};

struct ImportWritten {
  std::int64_t imported = 0, batches = 0, events = 0;
  std::string first_number, last_number;
};

// Phase 2 of an import: batches of options.batch_size tickets through Store::write (one
// transaction each; the next batch is planned while one is written). A batch that fails
// rolls back alone; the error says which batch and line failed and what was imported
// before it. options.progress is called after each batch with `started` as the start.
Result<ImportWritten> write_import(Store& store, SlaEngine& sla, const Clock& clock, const Principal& p,
                                   const RecordType& t, const ImportSource& src, const App::ImportOptions& options,
                                   std::chrono::steady_clock::time_point started);

double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace ordo
