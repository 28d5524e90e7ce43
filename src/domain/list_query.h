// ListQuery: a list request (`GET /api/v1/{plural}?…`) parsed and checked against a type.
// Pure: the store turns it into SQL. See DESIGN.md "HTTP API (contract)".
//
//   ?status=new&priority.in=P1,P2&created_at.gte=2026-03-01T00:00:00Z&sort=-created_at
//   &limit=50&cursor=…&q=printer&count=true
//
// Rules: filters name a declared field or id/number/status/created_at/updated_at/
// created_by/version; ops are eq (default), ne, lt, lte, gt, gte, in, like (case-insensitive
// substring, text fields). The value `null` (eq/ne) tests for absence. Sorting is allowed on
// id, number, created_at, updated_at, status and indexed fields only, so every list is
// index-backed; ties break on id. limit is 1..500 (default 50). The cursor is opaque.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "domain/record_type.h"
#include "domain/result.h"

namespace ordo {

// A filter operand in storage form: int64 (ints, refs, bools, timestamps) or text.
using QueryValue = std::variant<std::monostate, std::int64_t, std::string>;

enum class FilterOp { kEq, kNe, kLt, kLte, kGt, kGte, kIn, kLike };

struct Filter {
  std::string column;
  FilterOp op = FilterOp::kEq;
  std::vector<QueryValue> values;  // one, or several for kIn; monostate = NULL
};

struct Cursor {
  QueryValue value;  // the sort column's value of the last row returned
  std::int64_t id = 0;
};

struct ListQuery {
  std::vector<Filter> filters;
  std::string sort_column = "id";
  bool descending = true;
  bool sort_is_text = false;
  int limit = 50;
  std::optional<Cursor> cursor;
  std::string q;  // full-text query, empty when absent
  bool count = false;
};

inline constexpr int kMaxListLimit = 500;

Result<ListQuery> parse_list_query(const RecordType& t,
                                   const std::vector<std::pair<std::string, std::string>>& params);

// A whole decimal number, all of `s` (no sign prefix "+", no spaces); nullopt otherwise.
// Query parameters everywhere are read with it.
std::optional<std::int64_t> parse_int64(std::string_view s);

// Cursor codec: base64url of a small JSON array; decode checks shape and type.
std::string encode_cursor(const Cursor& c);
std::optional<Cursor> decode_cursor(std::string_view s);

}  // namespace ordo
