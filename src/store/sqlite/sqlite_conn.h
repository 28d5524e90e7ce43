// open_sqlite: a SqlConn on one SQLite database file (the embedded default backend).
//
// Every connection is opened durable and strict: journal_mode=WAL, synchronous=FULL (a
// commit is on disk when COMMIT returns), foreign_keys=ON, busy_timeout=10s, plus a
// 16 MiB page cache and 256 MiB mmap. Statements are prepared once per SQL text and kept
// (bounded cache); `?` placeholders are native. Errors: UNIQUE / PRIMARY KEY violations
// are kConflict (message "UNIQUE constraint failed: table.column"), SQLITE_BUSY/LOCKED
// kUnavailable, everything else kInternal with sqlite3_errmsg. Result columns come back
// as SQLite stored them (INTEGER → int64, REAL → double, TEXT/BLOB → string, NULL).
//
// Thread-safety: like every SqlConn, one thread at a time (the connection may move
// between threads). Several connections on one file are fine (WAL: one writer at a time).
//
//   auto conn = open_sqlite("var/ordo.db");
//   if (!conn) return conn.error();
//   auto n = (*conn)->exec("UPDATE t SET x = ? WHERE id = ?", {SqlValue{1}, SqlValue{7}});
#pragma once

#include <memory>
#include <string>

#include "domain/result.h"
#include "store/sql.h"

namespace ordo {

// Opens (or, with create_if_missing, creates) the database file at `path` and applies the
// pragmas above. A missing file without create_if_missing is kNotFound; a file that is not
// a database, or one that refuses WAL, is kInternal. ":memory:" opens a private in-memory
// database (no WAL possible there).
Result<std::unique_ptr<SqlConn>> open_sqlite(const std::string& path, bool create_if_missing = true);

}  // namespace ordo
