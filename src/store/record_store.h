// RecordStore: the generic engine's SQL, written once for every record type and both
// backends. Free functions over a SqlConn; the caller owns the transaction (Store::write).
//
// A record's API form is a JSON object: id, number, version, [status], created_at,
// updated_at, created_by and every declared field (canonical values, see
// domain/validation.h). Timestamps are stored as Unix seconds and shown as RFC 3339.
//
//   auto rec = insert_record(conn, type, change, now, user_id);   // → {"id":1,"number":"INC-000001",…}
//   auto page = list_records(conn, type, query);                   // → {"items":[…],"next_cursor":…}
#pragma once

#include <cstdint>
#include <optional>

#include <boost/json/object.hpp>

#include "domain/clock.h"
#include "domain/list_query.h"
#include "domain/record_type.h"
#include "domain/result.h"
#include "domain/validation.h"
#include "store/sql.h"

namespace ordo {

std::string format_number(const std::string& prefix, std::int64_t n);  // INC-000042

// A declared field's canonical JSON value (domain/validation.h) as its column value.
SqlValue field_to_sql(const FieldDef& f, const boost::json::value& v);

// Allocates the next number and inserts; returns the full record.
Result<boost::json::object> insert_record(SqlConn& c, const RecordType& t, const Change& ch, Instant now,
                                          std::int64_t actor_id);
// Inserts a record that already has a past (import): its number (empty: the next one is
// allocated), created_at and updated_at come from that past. kConflict when the number is taken.
Result<boost::json::object> insert_record_with_past(SqlConn& c, const RecordType& t, const Change& ch,
                                                    const std::string& number, Instant created_at,
                                                    Instant updated_at, std::int64_t actor_id);
// nullopt when absent.
Result<std::optional<boost::json::object>> find_record(SqlConn& c, const RecordType& t, std::int64_t id);
// Writes ch.changes (and status) when the stored version is `expected_version`; bumps the
// version. kPreconditionFailed on a stale version, kNotFound when the record is gone.
Result<boost::json::object> update_record(SqlConn& c, const RecordType& t, std::int64_t id,
                                          std::int64_t expected_version, const Change& ch, Instant now);
// Writes engine-maintained read-only fields (e.g. the sla_* fields) without a new version:
// they are derived from the record and its history, not edited. `values`: {field: value}.
Result<void> set_derived_fields(SqlConn& c, const RecordType& t, std::int64_t id, const boost::json::object& values);
Result<bool> record_exists(SqlConn& c, const RecordType& t, std::int64_t id);
// {"items": [...], "next_cursor": "…"|null, "total"?: N}
Result<boost::json::object> list_records(SqlConn& c, const RecordType& t, const ListQuery& q);

// Free text as an SQLite FTS5 query: every token quoted (no operator injection), the last
// one a prefix match, all ANDed; "" when there is no token. (PostgreSQL takes the text as
// it is, with plainto_tsquery('simple', ?).)
std::string fts5_query(const std::string& q);

// The declared field values of a record's API form (for validate_patch/transition).
boost::json::object declared_values(const RecordType& t, const boost::json::object& record);

}  // namespace ordo
