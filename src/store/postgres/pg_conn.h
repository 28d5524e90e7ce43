// open_postgres: a SqlConn on one PostgreSQL connection (libpq).
//
// Statements are written with `?` placeholders; they are rewritten once per SQL text to
// $1..$n (a `?` inside '…', E'…', $tag$…$tag$, "…" or a comment is left alone), prepared
// on the server once per connection (PQprepare, generated names) and run with
// PQexecPrepared. Parameters go as text with server-inferred types: int64 → decimal,
// double → shortest round-trip text, string as is, monostate → NULL. A parameter whose
// type the server cannot infer (e.g. bare `SELECT ?`) arrives as text; cast it in SQL.
// jsonb's `?` operators cannot be written; use jsonb_exists() & co.
//
// Results by column type: int2/int4/int8/oid → int64, bool → int64 0/1, float4/float8/
// numeric → double, everything else text, NULL → monostate.
//
// Errors: unique_violation (23505) → kConflict naming the constraint; serialization
// failure / deadlock (40001, 40P01), a lost connection (class 08, 57P0x, CONNECTION_BAD)
// → kUnavailable; everything else kInternal with the server's primary message. A broken
// connection is PQreset once before the next statement; if it broke inside a transaction,
// every statement fails kUnavailable until the caller sends ROLLBACK, so the rest of a
// transaction can never silently run in autocommit mode on the new session.
//
// Thread-safety: like every SqlConn, one thread at a time.
//
//   auto conn = open_postgres("postgresql://ordo@127.0.0.1:5432/ordo");
//   if (!conn) return conn.error();
//   auto rows = (*conn)->query("SELECT id FROM t WHERE name = ?", {SqlValue{"x"}});
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "store/sql.h"

namespace ordo {

// Connects to `url` (a libpq URI or key=value conninfo). Adds connect_timeout=10 and
// application_name=ordo unless the URL sets them. Sets client_min_messages=warning and
// discards notices (they would otherwise go to stderr).
Result<std::unique_ptr<SqlConn>> open_postgres(const std::string& url);

// The placeholder rewrite, exposed for tests: `?` → $1..$n outside literals, identifiers
// and comments. `count` receives n.
std::string rewrite_placeholders_for_test(std::string_view sql, int* count);

}  // namespace ordo
