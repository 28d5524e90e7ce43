#include "store/record_store.h"

#include <cstdio>
#include <deque>

#include <boost/json.hpp>

namespace ordo {

namespace json = boost::json;

namespace {

std::string select_list(const RecordType& t) {
  std::string s = "id, number, version, ";
  if (t.workflow) s += "status, ";
  s += "created_at, updated_at, created_by";
  for (const auto& f : t.fields) s += ", " + f.name;
  return s;
}

// The select list is built once per type (types are immutable after start-up).
// The statement that indexes a new row of `t` in its FTS5 table (SQLite), and which of
// insert_record's parameters are its searchable columns, in order. Empty when nothing of
// `t` is searchable.
struct FtsInsert {
  std::string sql;
  std::vector<std::size_t> params;
};

FtsInsert make_fts_insert(const RecordType& t) {
  FtsInsert out;
  std::string cols, marks;
  std::size_t at = 1 + (t.workflow ? 1 : 0) + 3;  // number, status, created_at, updated_at, created_by
  for (const auto& f : t.fields) {
    if (f.is_searchable) {
      cols += ", " + f.name;
      marks += ", ?";
      out.params.push_back(at);
    }
    ++at;
  }
  if (!cols.empty()) out.sql = "INSERT INTO " + t.plural + "_fts (rowid" + cols + ") VALUES (?" + marks + ")";
  return out;
}

// A value per record type and thread, built by `build` on first use. Each caller passes its
// own lambda, so each has its own cache.
template <typename Build>
const auto& cached_per_type(const RecordType& t, Build build) {
  using Value = decltype(build(t));
  static thread_local std::deque<std::pair<const RecordType*, Value>> cache;  // stable references
  for (const auto& [p, v] : cache)
    if (p == &t) return v;
  cache.emplace_back(&t, build(t));
  return cache.back().second;
}

const FtsInsert& fts_insert(const RecordType& t) {
  return cached_per_type(t, [](const RecordType& r) { return make_fts_insert(r); });
}

const std::string& cached_select(const RecordType& t) {
  return cached_per_type(t, [](const RecordType& r) { return select_list(r); });
}

// A GET's statement (building it per request was ~3 % of a GET's server CPU).
const std::string& cached_find(const RecordType& t) {
  return cached_per_type(t, [](const RecordType& r) { return "SELECT " + cached_select(r) + " FROM " + r.plural + " WHERE id = ?"; });
}

json::value field_to_json(const FieldDef& f, const SqlValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return nullptr;
  switch (f.kind) {
    case FieldKind::kText:
    case FieldKind::kChoice:
      if (auto s = std::get_if<std::string>(&v)) return json::string(*s);
      return json::string(std::to_string(sql_int(v)));
    case FieldKind::kBool: return sql_int(v) != 0;
    case FieldKind::kTimestamp: return json::string(format_rfc3339(sql_int(v)));
    case FieldKind::kInt:
    case FieldKind::kRef: return sql_int(v);
    case FieldKind::kRefList:
    case FieldKind::kJson: {
      boost::system::error_code ec;
      json::value parsed = json::parse(sql_text(v), ec);
      if (ec) return f.kind == FieldKind::kRefList ? json::value(json::array{}) : json::value(nullptr);
      return parsed;
    }
  }
  return nullptr;
}

}  // namespace

SqlValue field_to_sql(const FieldDef& f, const json::value& v) {
  if (v.is_null()) return std::monostate{};
  switch (f.kind) {
    case FieldKind::kText:
    case FieldKind::kChoice: return std::string(v.as_string());
    case FieldKind::kBool: return std::int64_t{v.as_bool() ? 1 : 0};
    case FieldKind::kTimestamp: return *parse_rfc3339(v.as_string());
    case FieldKind::kInt:
    case FieldKind::kRef: return v.as_int64();
    case FieldKind::kRefList:
    case FieldKind::kJson: return json::serialize(v);
  }
  return std::monostate{};
}

namespace {

json::object row_to_json(const RecordType& t, const SqlRow& r) {
  json::object o(7 + t.fields.size());  // room for every key: no rehash while filling
  std::size_t i = 0;
  o["id"] = sql_int(r[i++]);
  o["number"] = std::get<std::string>(r[i++]);
  o["version"] = sql_int(r[i++]);
  if (t.workflow) o["status"] = std::get<std::string>(r[i++]);
  o["created_at"] = format_rfc3339(sql_int(r[i++]));
  o["updated_at"] = format_rfc3339(sql_int(r[i++]));
  o["created_by"] = sql_int(r[i++]);
  for (const auto& f : t.fields) o[f.name] = field_to_json(f, r[i++]);
  return o;
}

SqlValue qv_to_sql(const QueryValue& v) {
  if (auto i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto s = std::get_if<std::string>(&v)) return *s;
  return std::monostate{};
}

std::string like_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return "%" + out + "%";
}

// Appends "col op ?" conditions for the filters; all values are bound parameters.
void append_filters(SqlConn& c, const ListQuery& q, std::string& where, std::vector<SqlValue>& params) {
  for (const auto& f : q.filters) {
    where += where.empty() ? " WHERE " : " AND ";
    const std::string& col = f.column;  // checked against the declaration by parse_list_query
    const QueryValue& v0 = f.values.front();
    bool is_null = std::holds_alternative<std::monostate>(v0);
    switch (f.op) {
      case FilterOp::kEq: where += is_null ? col + " IS NULL" : col + " = ?"; break;
      case FilterOp::kNe: where += is_null ? col + " IS NOT NULL" : "(" + col + " <> ? OR " + col + " IS NULL)"; break;
      case FilterOp::kLt: where += col + " < ?"; break;
      case FilterOp::kLte: where += col + " <= ?"; break;
      case FilterOp::kGt: where += col + " > ?"; break;
      case FilterOp::kGte: where += col + " >= ?"; break;
      case FilterOp::kIn: {
        where += col + " IN (";
        for (std::size_t i = 0; i < f.values.size(); ++i) where += i ? ", ?" : "?";
        where += ")";
        for (const auto& v : f.values) params.push_back(qv_to_sql(v));
        continue;
      }
      case FilterOp::kLike:
        where += c.backend() == SqlBackend::kSqlite ? col + " LIKE ? ESCAPE '\\'" : col + " ILIKE ? ESCAPE '\\'";
        params.push_back(like_escape(std::get<std::string>(v0)));
        continue;
    }
    if (!is_null) params.push_back(qv_to_sql(v0));
  }
}

}  // namespace

std::string fts5_query(const std::string& q) {
  std::string out, tok;
  std::vector<std::string> toks;
  for (char ch : q) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!tok.empty()) toks.push_back(std::move(tok)), tok.clear();
    } else if (ch != '"') {
      tok += ch;
    }
  }
  if (!tok.empty()) toks.push_back(tok);
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (i) out += " AND ";
    out += "\"" + toks[i] + "\"";
    if (i + 1 == toks.size()) out += "*";
  }
  return out;
}

std::string format_number(const std::string& prefix, std::int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(n));
  return prefix + "-" + buf;
}

json::object declared_values(const RecordType& t, const json::object& record) {
  json::object o;
  for (const auto& f : t.fields) {
    const json::value* v = record.if_contains(f.name);
    o[f.name] = v ? *v : json::value(nullptr);
  }
  return o;
}

Result<json::object> insert_record(SqlConn& c, const RecordType& t, const Change& ch, Instant now,
                                   std::int64_t actor_id) {
  return insert_record_with_past(c, t, ch, {}, now, now, actor_id);
}

Result<json::object> insert_record_with_past(SqlConn& c, const RecordType& t, const Change& ch,
                                             const std::string& number, Instant created_at, Instant updated_at,
                                             std::int64_t actor_id) {
  std::string num = number;
  if (num.empty()) {
    ORDO_ASSIGN(auto counter, c.query("INSERT INTO counters (type, next) VALUES (?, 1) ON CONFLICT (type) "
                                      "DO UPDATE SET next = counters.next + 1 RETURNING next",
                                      {t.name}));
    num = format_number(t.prefix, sql_int(counter.at(0).at(0)));
  }
  std::string cols = "number, version", marks = "?, 1";
  std::vector<SqlValue> params{std::move(num)};
  if (t.workflow) {
    cols += ", status";
    marks += ", ?";
    params.push_back(ch.status);
  }
  cols += ", created_at, updated_at, created_by";
  marks += ", ?, ?, ?";
  params.push_back(created_at);
  params.push_back(updated_at);
  params.push_back(actor_id);
  for (const auto& f : t.fields) {
    cols += ", " + f.name;
    marks += ", ?";
    const json::value* v = ch.values.if_contains(f.name);
    if (f.name == "is_open" && t.workflow) params.push_back(std::int64_t{ticket_is_open(t, ch.status)});
    else params.push_back(v ? field_to_sql(f, *v) : SqlValue{});
  }
  const std::string insert = "INSERT INTO " + t.plural + " (" + cols + ") VALUES (" + marks + ")";
  if (c.backend() != SqlBackend::kSqlite) {
    ORDO_ASSIGN(auto rows, c.query(insert + " RETURNING " + cached_select(t), params));
    return row_to_json(t, rows.at(0));
  }
  // SQLite: no RETURNING (SQLite runs it as a trigger, which makes the INSERT a statement
  // that needs its own statement journal and makes FTS5 flush its pending terms to a new
  // segment). The row is what was bound, as select_list orders it: id, number, version,
  // then the rest in insert order.
  ORDO_TRY(c.exec(insert, params));
  ORDO_ASSIGN(auto id, c.query("SELECT last_insert_rowid()"));
  SqlRow row;
  row.reserve(params.size() + 2);
  row.push_back(id.at(0).at(0));
  row.push_back(std::move(params[0]));
  row.push_back(std::int64_t{1});
  for (std::size_t i = 1; i < params.size(); ++i) row.push_back(std::move(params[i]));
  // Its full-text index, here rather than in a trigger (schema.cc, ensure_fts).
  const FtsInsert& fts = fts_insert(t);
  if (!fts.sql.empty()) {
    std::vector<SqlValue> fts_params;
    fts_params.reserve(fts.params.size() + 1);
    fts_params.push_back(row[0]);
    for (std::size_t i : fts.params) fts_params.push_back(row[i + 2]);  // params[i] is row[i + 2] (id, version)
    ORDO_TRY(c.exec_at_commit(fts.sql, std::move(fts_params)));  // update_record runs it first if needed
  }
  return row_to_json(t, row);
}

Result<std::optional<json::object>> find_record(SqlConn& c, const RecordType& t, std::int64_t id) {
  ORDO_ASSIGN(auto rows, c.query(cached_find(t), {id}));
  if (rows.empty()) return std::optional<json::object>{};
  return std::optional<json::object>{row_to_json(t, rows[0])};
}

Result<bool> record_exists(SqlConn& c, const RecordType& t, std::int64_t id) {
  ORDO_ASSIGN(auto rows, c.query("SELECT 1 FROM " + t.plural + " WHERE id = ?", {id}));
  return !rows.empty();
}

Result<json::object> update_record(SqlConn& c, const RecordType& t, std::int64_t id, std::int64_t expected_version,
                                   const Change& ch, Instant now) {
  std::string set = "version = version + 1, updated_at = ?";
  std::vector<SqlValue> params{now};
  if (t.workflow && !ch.status.empty()) {
    set += ", status = ?";
    params.push_back(ch.status);
    if (t.field("is_open")) {  // kept from the status (record_type.h)
      set += ", is_open = ?";
      params.push_back(std::int64_t{ticket_is_open(t, ch.status)});
    }
  }
  for (const auto& [k, pair] : ch.changes) {
    const FieldDef* f = t.field(k);
    if (!f || f->name == "is_open") continue;
    set += ", " + f->name + " = ?";
    params.push_back(field_to_sql(*f, pair.as_array().at(1)));
  }
  params.push_back(id);
  params.push_back(expected_version);
  // The update trigger takes the old text out of the FTS index: a row created earlier in
  // this transaction must be in it first (insert_record defers that to the commit).
  ORDO_TRY(c.run_deferred());
  ORDO_ASSIGN(auto rows, c.query("UPDATE " + t.plural + " SET " + set + " WHERE id = ? AND version = ? RETURNING " +
                                     cached_select(t),
                                 params));
  if (rows.empty()) {
    ORDO_ASSIGN(bool exists, record_exists(c, t, id));
    if (!exists) return not_found(t.name + " " + std::to_string(id) + " does not exist");
    return Error{ErrorKind::kPreconditionFailed,
                 "the record changed since version " + std::to_string(expected_version) + ": reload and retry",
                 {}, {}};
  }
  return row_to_json(t, rows[0]);
}

Result<void> set_derived_fields(SqlConn& c, const RecordType& t, std::int64_t id, const json::object& values) {
  std::string set;
  std::vector<SqlValue> params;
  for (const auto& [k, v] : values) {
    const FieldDef* f = t.field(k);
    if (!f || !f->is_readonly) return internal_error("set_derived_fields: " + std::string(k) + " is not a derived field");
    set += (set.empty() ? "" : ", ") + f->name + " = ?";
    params.push_back(field_to_sql(*f, v));
  }
  if (set.empty()) return {};
  params.push_back(id);
  ORDO_TRY(c.run_deferred());  // as in update_record: a searchable derived field
  ORDO_TRY(c.exec("UPDATE " + t.plural + " SET " + set + " WHERE id = ?", params));
  return {};
}

Result<json::object> list_records(SqlConn& c, const RecordType& t, const ListQuery& q) {
  std::string where;
  std::vector<SqlValue> params;
  // FROM: the table, or — a SQLite search in id order — the full-text matches joined to it,
  // so the page is read from the FTS index newest first and stops at the limit (an
  // `id IN (matches)` filter materialised every match first: 20-30 ms for a common word
  // over 1M tickets, against 1-5 ms).
  std::string from = t.plural;
  const std::string fq = c.backend() == SqlBackend::kSqlite && !q.q.empty() ? fts5_query(q.q) : std::string();
  const bool fts_join = !fq.empty() && t.has_searchable() && q.sort_column == "id";
  if (fts_join) {
    from = "(SELECT rowid AS fts_id FROM " + t.plural + "_fts WHERE " + t.plural + "_fts MATCH ?) AS fts_match JOIN " +
           t.plural + " ON id = fts_match.fts_id";
    params.push_back(fq);
  }
  append_filters(c, q, where, params);
  if (!q.q.empty() && !fts_join) {
    where += where.empty() ? " WHERE " : " AND ";
    if (!t.has_searchable()) {
      where += "1 = 0";
    } else if (c.backend() == SqlBackend::kSqlite) {
      if (fq.empty()) where += "1 = 1";
      else {
        where += "id IN (SELECT rowid FROM " + t.plural + "_fts WHERE " + t.plural + "_fts MATCH ?)";
        params.push_back(fq);
      }
    } else {
      where += "search @@ plainto_tsquery('simple', ?)";
      params.push_back(q.q);
    }
  }
  json::object out;
  if (q.count) {
    ORDO_ASSIGN(auto rows, c.query("SELECT count(*) FROM " + from + where, params));
    out["total"] = sql_int(rows.at(0).at(0));
  }
  // Keyset pagination on (sort column, id); NULLs come first ascending, last descending,
  // on both backends (see schema.cc).
  const std::string& s = q.sort_column;
  if (q.cursor) {
    where += where.empty() ? " WHERE " : " AND ";
    const Cursor& cur = *q.cursor;
    bool null_cur = std::holds_alternative<std::monostate>(cur.value);
    if (s == "id") {
      where += q.descending ? "id < ?" : "id > ?";
      params.push_back(cur.id);
    } else if (!q.descending) {
      if (null_cur) {
        where += "((" + s + " IS NULL AND id > ?) OR " + s + " IS NOT NULL)";
        params.push_back(cur.id);
      } else {
        where += "(" + s + " > ? OR (" + s + " = ? AND id > ?))";
        params.push_back(qv_to_sql(cur.value));
        params.push_back(qv_to_sql(cur.value));
        params.push_back(cur.id);
      }
    } else {
      if (null_cur) {
        where += "(" + s + " IS NULL AND id < ?)";
        params.push_back(cur.id);
      } else {
        where += "(" + s + " < ? OR (" + s + " = ? AND id < ?) OR " + s + " IS NULL)";
        params.push_back(qv_to_sql(cur.value));
        params.push_back(qv_to_sql(cur.value));
        params.push_back(cur.id);
      }
    }
  }
  std::string order;
  const std::string dir = q.descending ? " DESC" : " ASC";
  if (fts_join) order = " ORDER BY fts_match.fts_id" + dir;
  else if (s == "id") order = " ORDER BY id" + dir;
  else if (c.backend() == SqlBackend::kPostgres)
    order = " ORDER BY " + s + dir + (q.descending ? " NULLS LAST" : " NULLS FIRST") + ", id" + dir;
  else order = " ORDER BY " + s + dir + ", id" + dir;
  params.push_back(std::int64_t{q.limit + 1});
  ORDO_ASSIGN(auto rows, c.query("SELECT " + cached_select(t) + " FROM " + from + where + order + " LIMIT ?",
                                 params));
  json::array items;
  bool more = rows.size() > static_cast<std::size_t>(q.limit);
  if (more) rows.resize(static_cast<std::size_t>(q.limit));
  items.reserve(rows.size());
  for (const auto& r : rows) items.push_back(row_to_json(t, r));
  json::value next = nullptr;
  if (more) {
    const json::object& last = items.back().as_object();
    Cursor cur;
    cur.id = last.at("id").as_int64();
    if (s != "id") {
      const json::value& v = last.at(s);
      if (v.is_int64()) cur.value = v.as_int64();
      else if (v.is_bool()) cur.value = std::int64_t{v.as_bool() ? 1 : 0};
      else if (v.is_string()) {
        const FieldDef* f = t.field(s);
        bool ts = s == "created_at" || s == "updated_at" || (f && f->kind == FieldKind::kTimestamp);
        if (ts) cur.value = *parse_rfc3339(v.as_string());
        else cur.value = std::string(v.as_string());
      }
    }
    next = json::string(encode_cursor(cur));
  }
  out["items"] = std::move(items);
  out["next_cursor"] = std::move(next);
  return out;
}

}  // namespace ordo
