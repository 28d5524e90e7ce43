// Grouped sums over many rows, on both backends, in constant memory.
//
//   group_sums(c, {"service"}, {"1", "CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END"},
//              "FROM incidents WHERE resolved_at >= ? AND resolved_at < ?", {from, to})
//   → one row per distinct service: {service, count, reopened}, ordered by the keys.
//
// The reports (src/app/report.cc) aggregate a year of a million tickets. PostgreSQL runs
// the GROUP BY itself (hash aggregation). SQLite has no hash aggregation: its GROUP BY sorts
// every input row first, ~0.5 s and ~50 MB of sorter memory on 1M rows (kept by the
// allocator afterwards, per reader connection). There the rows are streamed
// (SqlConn::for_each_row) and summed into a small ordered map keyed by the group values.
#pragma once

#include <string>
#include <vector>

#include "domain/result.h"
#include "store/sql.h"

namespace ordo {

// keys: column expressions grouped by (none: one row of totals, also over no input rows).
// sums: integer-valued expressions, each summed (NULL counts as 0). `from_where` is the
// statement's "FROM … [WHERE …]"; `params` bind the sums' placeholders, then its own.
// Rows: the keys' values, then the sums as integers; sorted by the keys, NULL first.
Result<SqlRows> group_sums(SqlConn& c, const std::vector<std::string>& keys, const std::vector<std::string>& sums,
                           const std::string& from_where, const std::vector<SqlValue>& params);

}  // namespace ordo
