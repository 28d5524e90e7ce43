// Schema: the tables generated from the registry, created and migrated at start-up.
//
// Every record type gets a table named after its plural with typed columns (text for
// text/choice fields, 64-bit integers for integers, references, booleans and timestamps —
// timestamps as Unix seconds), an index (field, id) per indexed field, and a full-text
// index over its searchable fields (SQLite FTS5 external-content table kept by triggers;
// PostgreSQL a generated tsvector column with a GIN index). Additive changes (new types,
// new fields, new indexes, a changed searchable set) migrate automatically; anything else
// needs a numbered migration step. Run ensure_schema inside a write transaction.
//
//   ORDO_TRY(store.write([&](SqlConn& c) { return ensure_schema(c, registry); }));
#pragma once

#include <string>

#include "domain/record_type.h"
#include "domain/registry.h"
#include "domain/result.h"
#include "store/sql.h"

namespace ordo {

inline constexpr int kSchemaVersion = 1;

Result<void> ensure_schema(SqlConn& c, const Registry& reg);
// True when the database holds an Ordo schema (ordo init ran).
Result<bool> schema_exists(SqlConn& c);

// Bulk loading (bench data, large imports into an empty table): begin drops a type's
// secondary indexes and its full-text index so a million inserts do not maintain ~25
// B-trees row by row; finish rebuilds them in one pass each. An interrupted load is healed
// by the next start, which runs ensure_schema (it recreates whatever is missing).
Result<void> begin_bulk_load(SqlConn& c, const RecordType& t);
Result<void> finish_bulk_load(SqlConn& c, const RecordType& t);

// The SQL column type for a field on a backend.
std::string column_type(FieldKind k);

}  // namespace ordo
