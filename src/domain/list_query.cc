#include "domain/list_query.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "domain/clock.h"

#include <boost/json.hpp>

namespace ordo {

namespace json = boost::json;

namespace {

// The kind of a system column, for parsing filter values.
std::optional<FieldKind> system_kind(std::string_view n) {
  if (n == "id" || n == "version" || n == "created_by") return FieldKind::kInt;
  if (n == "number" || n == "status") return FieldKind::kText;
  if (n == "created_at" || n == "updated_at") return FieldKind::kTimestamp;
  return std::nullopt;
}


Result<QueryValue> parse_value(const std::string& field, FieldKind kind, const FieldDef* def,
                               std::string_view raw, bool allow_null) {
  if (allow_null && raw == "null") return QueryValue{};
  switch (kind) {
    case FieldKind::kInt:
    case FieldKind::kRef:
      if (auto n = parse_int64(raw)) return QueryValue{*n};
      return field_error(field, "filter value must be an integer");
    case FieldKind::kBool:
      if (raw == "true") return QueryValue{std::int64_t{1}};
      if (raw == "false") return QueryValue{std::int64_t{0}};
      return field_error(field, "filter value must be true or false");
    case FieldKind::kTimestamp:
      if (auto t = parse_rfc3339(raw)) return QueryValue{*t};
      return field_error(field, "filter value must be an RFC 3339 timestamp");
    case FieldKind::kChoice:
      if (def && std::find(def->choices.begin(), def->choices.end(), raw) == def->choices.end())
        return field_error(field, "'" + std::string(raw) + "' is not one of the choices");
      return QueryValue{std::string(raw)};
    case FieldKind::kText:
      return QueryValue{std::string(raw)};
    case FieldKind::kRefList:
    case FieldKind::kJson:
      break;
  }
  return field_error(field, "unsupported filter");
}

std::optional<FilterOp> parse_op(std::string_view s) {
  if (s == "eq") return FilterOp::kEq;
  if (s == "ne") return FilterOp::kNe;
  if (s == "lt") return FilterOp::kLt;
  if (s == "lte") return FilterOp::kLte;
  if (s == "gt") return FilterOp::kGt;
  if (s == "gte") return FilterOp::kGte;
  if (s == "in") return FilterOp::kIn;
  if (s == "like") return FilterOp::kLike;
  return std::nullopt;
}

bool sortable(const RecordType& t, std::string_view n) {
  if (n == "id" || n == "number" || n == "created_at" || n == "updated_at") return true;
  if (n == "status") return t.workflow.has_value();
  const FieldDef* f = t.field(n);
  return f && f->is_indexed;
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(std::string_view in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64[(buf >> bits) & 63];
    }
  }
  if (bits > 0) out += kB64[(buf << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> unb64url(std::string_view in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::strchr(kB64, c);
    if (!p || c == '\0') return std::nullopt;
    buf = (buf << 6) | static_cast<std::uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

std::string encode_cursor(const Cursor& c) {
  json::array a;
  if (auto i = std::get_if<std::int64_t>(&c.value)) a.push_back(*i);
  else if (auto s = std::get_if<std::string>(&c.value)) a.push_back(json::string(*s));
  else a.push_back(nullptr);
  a.push_back(c.id);
  return b64url(json::serialize(a));
}

std::optional<Cursor> decode_cursor(std::string_view s) {
  if (s.size() > 4096) return std::nullopt;
  auto text = unb64url(s);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_array() || v.as_array().size() != 2 || !v.as_array()[1].is_int64()) return std::nullopt;
  Cursor c;
  const auto& first = v.as_array()[0];
  if (first.is_int64()) c.value = first.as_int64();
  else if (first.is_string()) c.value = std::string(first.as_string());
  else if (!first.is_null()) return std::nullopt;
  c.id = v.as_array()[1].as_int64();
  return c;
}

Result<ListQuery> parse_list_query(const RecordType& t,
                                   const std::vector<std::pair<std::string, std::string>>& params) {
  ListQuery q;
  std::vector<FieldError> errors;
  std::optional<std::string> raw_cursor;
  for (const auto& [key, raw] : params) {
    if (key == "limit") {
      auto n = parse_int64(raw);
      if (!n || *n < 1 || *n > kMaxListLimit)
        errors.push_back({"limit", "must be an integer from 1 to " + std::to_string(kMaxListLimit)});
      else q.limit = static_cast<int>(*n);
    } else if (key == "sort") {
      std::string_view s = raw;
      bool desc = !s.empty() && s[0] == '-';
      if (desc || (!s.empty() && s[0] == '+')) s.remove_prefix(1);
      if (!sortable(t, s)) {
        errors.push_back({"sort", "cannot sort by '" + std::string(s) +
                                      "': sort by id, number, created_at, updated_at, status or an indexed field"});
      } else {
        q.sort_column = std::string(s);
        q.descending = desc;
        const FieldDef* f = t.field(s);
        q.sort_is_text = s == "number" || s == "status" ||
                         (f && (f->kind == FieldKind::kText || f->kind == FieldKind::kChoice));
      }
    } else if (key == "cursor") {
      raw_cursor = raw;
    } else if (key == "q") {
      if (raw.size() > 500) errors.push_back({"q", "is longer than 500 bytes"});
      q.q = raw;
    } else if (key == "count") {
      if (raw != "true" && raw != "false") errors.push_back({"count", "must be true or false"});
      q.count = raw == "true";
    } else {
      std::string name = key;
      FilterOp op = FilterOp::kEq;
      if (auto dot = key.rfind('.'); dot != std::string::npos) {
        name = key.substr(0, dot);
        auto o = parse_op(std::string_view(key).substr(dot + 1));
        if (!o) {
          errors.push_back({key, "unknown operator: use eq, ne, lt, lte, gt, gte, in or like"});
          continue;
        }
        op = *o;
      }
      const FieldDef* f = t.field(name);
      std::optional<FieldKind> kind = f ? std::optional(f->kind) : system_kind(name);
      if (name == "status" && !t.workflow) kind.reset();
      if (!kind) {
        errors.push_back({name, "unknown field or parameter"});
        continue;
      }
      if (*kind == FieldKind::kRefList || *kind == FieldKind::kJson) {
        errors.push_back({name, *kind == FieldKind::kJson ? "structured fields cannot be filtered"
                                                          : "lists of references cannot be filtered"});
        continue;
      }
      if (op == FilterOp::kLike && *kind != FieldKind::kText) {
        errors.push_back({key, "like applies to text fields only"});
        continue;
      }
      Filter flt{name, op, {}};
      bool bad = false;
      if (op == FilterOp::kIn) {
        std::size_t start = 0;
        while (start <= raw.size()) {
          auto comma = raw.find(',', start);
          std::string_view part = std::string_view(raw).substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          auto v = parse_value(name, *kind, f, part, false);
          if (!v) { errors.push_back(v.error().fields.at(0)); bad = true; break; }
          flt.values.push_back(std::move(*v));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        if (!bad && flt.values.size() > 100) { errors.push_back({key, "at most 100 values"}); bad = true; }
      } else {
        bool allow_null = op == FilterOp::kEq || op == FilterOp::kNe;
        auto v = (op == FilterOp::kLike) ? Result<QueryValue>(QueryValue{raw})
                                         : parse_value(name, *kind, f, raw, allow_null);
        if (!v) { errors.push_back(v.error().fields.at(0)); bad = true; }
        else flt.values.push_back(std::move(*v));
      }
      if (!bad) q.filters.push_back(std::move(flt));
    }
  }
  if (raw_cursor) {
    auto c = decode_cursor(*raw_cursor);
    bool type_ok = c && (std::holds_alternative<std::monostate>(c->value) ||
                         std::holds_alternative<std::string>(c->value) == q.sort_is_text);
    if (!type_ok) errors.push_back({"cursor", "is not a cursor from this list (same sort)"});
    else q.cursor = *c;
  }
  if (!errors.empty()) return invalid("invalid list query", std::move(errors));
  return q;
}

std::optional<std::int64_t> parse_int64(std::string_view s) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}

}  // namespace ordo
