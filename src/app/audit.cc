// The audit trail as an API: the whole event log for administrators and auditors, so an
// auditor can sample security events and changes across records without database access.
#include <boost/json.hpp>

#include "app/app_impl.h"
#include "domain/list_query.h"

namespace ordo {

namespace json = boost::json;

Result<json::object> App::audit_events(const Principal& p, const QueryParams& params) {
  if (!p.has_role("admin") && !p.has_role("auditor"))
    return Error{ErrorKind::kForbidden, "the audit trail is for administrators and auditors", {}, {}};
  std::string where;
  std::vector<SqlValue> args;
  std::int64_t limit = 100;
  std::optional<std::int64_t> before;
  std::vector<FieldError> errors;
  auto as_int = [&](const std::string& k, const std::string& v) -> std::optional<std::int64_t> {
    auto n = parse_int64(v);
    if (!n) errors.push_back({k, "must be an integer"});
    return n;
  };
  for (const auto& [k, v] : params) {
    if (k == "limit") {
      if (auto n = as_int(k, v)) {
        if (*n < 1 || *n > 500) errors.push_back({"limit", "must be from 1 to 500"});
        limit = *n;
      }
    } else if (k == "cursor") {
      before = as_int(k, v);
    } else if (k == "record_type" || k == "action") {
      where += " AND " + k + " = ?";  // k is one of two literals, never client text
      args.push_back(v);
    } else if (k == "record_id" || k == "actor_id") {
      if (auto n = as_int(k, v)) {
        where += " AND " + k + " = ?";
        args.push_back(*n);
      }
    } else {
      errors.push_back({k, "unknown parameter: use record_type, record_id, action, actor_id, limit, cursor"});
    }
  }
  if (!errors.empty()) return invalid("invalid audit query", std::move(errors));
  args.insert(args.begin(), before.value_or(INT64_MAX));
  args.push_back(limit + 1);
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query("SELECT seq, at, actor_id, actor, record_type, record_id, action, data, prev_hash, hash FROM events "
                   "WHERE seq < ?" + where + " ORDER BY seq DESC LIMIT ?",
                   args);
  }));
  bool more = rows.size() > static_cast<std::size_t>(limit);
  if (more) rows.resize(static_cast<std::size_t>(limit));
  json::array items;
  for (const auto& r : rows) {
    boost::system::error_code ec;
    json::value data = json::parse(sql_text(r[7]), ec);
    items.push_back(json::object{{"seq", sql_int(r[0])},
                                 {"at", format_rfc3339(sql_int(r[1]))},
                                 {"actor_id", sql_int(r[2])},
                                 {"actor", sql_text(r[3])},
                                 {"record_type", sql_text(r[4])},
                                 {"record_id", sql_int(r[5])},
                                 {"action", sql_text(r[6])},
                                 {"data", ec ? json::value(nullptr) : std::move(data)},
                                 {"prev_hash", sql_text(r[8])},
                                 {"hash", sql_text(r[9])}});
  }
  json::value next = more ? json::value(std::to_string(sql_int(rows.back()[0]))) : json::value(nullptr);
  return json::object{{"items", std::move(items)}, {"next_cursor", std::move(next)}};
}

}  // namespace ordo
