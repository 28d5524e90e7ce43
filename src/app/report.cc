// The SLA report (ISO/IEC 20000-1 8.3.3, 9.1; DESIGN.md "KPIs"): attainment = targets met ÷
// targets that ended (met or breached) in the period, per service, customer, agreement and
// priority, with breach counts and the breached tickets.
//
// It reads the sla_* fields the engine keeps on every ticket (src/app/sla.h), never the
// event history, so a year over a million tickets is one pass over indexed columns:
//   met       <target>_met_at in [from, to) and not breached
//   breached  <target>_breached_at in [from, to)
//   breached, not yet announced: a target still running whose due_at lies in
//             [from, min(to, now)) — its clock ran out while no event touched the ticket
//             (the due queue announces it within seconds; the report does not wait).
#include <algorithm>
#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "domain/list_query.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

struct Dimension {
  const char* name;    // group_by value
  const char* column;  // incidents column
  const char* target;  // record type the id names ("" for priority)
};

constexpr Dimension kDimensions[] = {
    {"service", "service", "service"},
    {"customer", "customer", "organisation"},
    {"agreement", "sla_agreement", "agreement"},
    {"priority", "priority", ""},
};

const Dimension* dimension(std::string_view name) {
  for (const auto& d : kDimensions)
    if (name == d.name) return &d;
  return nullptr;
}

struct Counts {
  std::int64_t met = 0, breached = 0;
};

json::object counts_json(const Counts& c) {
  std::int64_t ended = c.met + c.breached;
  return json::object{{"met", c.met},
                      {"breached", c.breached},
                      {"ended", ended},
                      {"attainment", ended ? json::value(static_cast<double>(c.met) / static_cast<double>(ended))
                                           : json::value(nullptr)}};
}

std::string csv_field(const json::value& v) {
  std::string s;
  if (v.is_string()) s = std::string(v.as_string());
  else if (v.is_null()) return "";
  else s = json::serialize(v);
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

Result<json::object> App::sla_report(const Principal& p, const QueryParams& params) {
  if (!is_staff(p)) return Error{ErrorKind::kForbidden, "the SLA report is for the provider's staff", {}, {}};
  const RecordType& t = *impl_->registry->by_name("incident");
  Instant now = impl_->clock->now();
  std::optional<Instant> from, to;
  std::vector<const Dimension*> dims;
  bool breaches = true;
  std::int64_t breach_limit = 1000;
  std::vector<FieldError> errors;
  for (const auto& [k, v] : params) {
    if (k == "from" || k == "to") {
      auto i = parse_rfc3339(v);
      if (!i) errors.push_back({k, "must be an RFC 3339 timestamp, e.g. 2026-01-01T00:00:00Z"});
      (k == "from" ? from : to) = i;
    } else if (k == "group_by") {
      std::string_view rest = v;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view name = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        const Dimension* d = dimension(name);
        if (!d) errors.push_back({"group_by", "'" + std::string(name) + "' is not one of service, customer, agreement, priority"});
        else if (std::find(dims.begin(), dims.end(), d) == dims.end()) dims.push_back(d);
      }
    } else if (k == "breaches") {
      if (v != "true" && v != "false") errors.push_back({k, "must be true or false"});
      breaches = v == "true";
    } else if (k == "breach_limit") {
      breach_limit = parse_int64(v).value_or(-1);
      if (breach_limit < 0 || breach_limit > 10000) errors.push_back({k, "must be 0 to 10000"});
    } else if (k != "format") {
      errors.push_back({k, "unknown parameter"});
    }
  }
  if (!from) from = now - 30 * 86400;
  if (!to) to = now;
  if (errors.empty() && *to <= *from) errors.push_back({"to", "must be after from"});
  if (!errors.empty()) return invalid("invalid report query", std::move(errors));
  const Instant until = std::min(*to, now);  // running targets breach only in the past

  std::string cols, group;
  for (const auto* d : dims) {
    cols += std::string(d->column) + ", ";
    group += (group.empty() ? " GROUP BY " : ", ") + std::string(d->column);
  }
  // Per target: met in the period, and breached in it (announced, or a running target
  // whose due time passed). The breached condition also selects the drill-down list.
  struct Condition {
    std::string sql;
    std::vector<SqlValue> params;
  };
  Condition met[2], breached[2];
  for (int k = 0; k < 2; ++k) {
    const std::string tg = k == 0 ? "response" : "resolution";
    met[k] = {"(" + tg + "_met_at >= ? AND " + tg + "_met_at < ? AND " + tg + "_breached = 0)", {*from, *to}};
    breached[k] = {"((" + tg + "_breached_at >= ? AND " + tg + "_breached_at < ?) OR (" + tg + "_breached = 0 AND " + tg +
                       "_due_at >= ? AND " + tg + "_due_at < ?))",
                   {*from, *to, *from, until}};
  }
  std::string select = cols, where;
  std::vector<SqlValue> select_params, where_params;
  for (int k = 0; k < 2; ++k) {
    select += std::string(k ? ", " : "") + "SUM(CASE WHEN " + met[k].sql + " THEN 1 ELSE 0 END), SUM(CASE WHEN " +
              breached[k].sql + " THEN 1 ELSE 0 END)";
    where += std::string(k ? " OR " : "") + met[k].sql + " OR " + breached[k].sql;
    for (const Condition* cnd : {&met[k], &breached[k]}) {
      select_params.insert(select_params.end(), cnd->params.begin(), cnd->params.end());
      where_params.insert(where_params.end(), cnd->params.begin(), cnd->params.end());
    }
  }
  std::vector<SqlValue> qp = select_params;
  qp.insert(qp.end(), where_params.begin(), where_params.end());

  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    // SQLite without statistics answers the OR of six ranges with a multi-index OR: a rowid
    // lookup per match, 4–6 s for a year over 1M tickets, where one pass over the table
    // takes under 1 s. Scan when the period holds more than a tenth of the tickets (judged
    // by reported_at, with the count capped so judging stays cheap); otherwise the indexes
    // win. PostgreSQL's planner has statistics and decides itself.
    std::string scan;
    if (c.backend() == SqlBackend::kSqlite) {
      ORDO_ASSIGN(auto maxid, c.query("SELECT COALESCE(MAX(id), 0) FROM " + t.plural));
      const std::int64_t cap = sql_int(maxid.at(0).at(0)) / 10 + 1;
      ORDO_ASSIGN(auto est, c.query("SELECT COUNT(*) FROM (SELECT 1 FROM " + t.plural +
                                        " WHERE reported_at >= ? AND reported_at < ? LIMIT ?)",
                                    {*from - 30 * 86400, *to, cap}));
      if (sql_int(est.at(0).at(0)) >= cap) scan = "NOT INDEXED";
    }
    ORDO_ASSIGN(auto rows, c.query("SELECT " + select + " FROM " + t.plural + " " + scan + " WHERE " + where + group, qp));
    // Labels for the ids in the group keys: one query per dimension.
    std::vector<std::map<std::int64_t, std::string>> labels(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (!*dims[i]->target) continue;
      std::vector<std::int64_t> ids;
      for (const auto& r : rows)
        if (!sql_null(r[i])) ids.push_back(sql_int(r[i]));
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      const RecordType* rt = impl_->registry->by_name(dims[i]->target);
      for (std::size_t at = 0; at < ids.size(); at += 200) {
        std::string in;
        std::vector<SqlValue> ip;
        for (std::size_t k = at; k < std::min(ids.size(), at + 200); ++k) {
          in += in.empty() ? "?" : ", ?";
          ip.push_back(ids[k]);
        }
        ORDO_ASSIGN(auto names, c.query("SELECT id, name FROM " + rt->plural + " WHERE id IN (" + in + ")", ip));
        for (const auto& n : names) labels[i][sql_int(n[0])] = sql_text(n[1]);
      }
    }
    Counts total[2];
    json::array groups;
    for (const auto& r : rows) {
      json::object key;
      for (std::size_t i = 0; i < dims.size(); ++i) {
        const Dimension& d = *dims[i];
        if (sql_null(r[i])) {
          key[d.name] = nullptr;
        } else if (*d.target) {
          std::int64_t id = sql_int(r[i]);
          auto it = labels[i].find(id);
          key[d.name] = json::object{{"id", id}, {"name", it == labels[i].end() ? json::value(nullptr) : json::value(it->second)}};
        } else {
          key[d.name] = sql_text(r[i]);
        }
      }
      Counts resp{sql_int(r[dims.size()]), sql_int(r[dims.size() + 1])};
      Counts reso{sql_int(r[dims.size() + 2]), sql_int(r[dims.size() + 3])};
      for (int k = 0; k < 2; ++k) {
        const Counts& x = k == 0 ? resp : reso;
        total[k].met += x.met;
        total[k].breached += x.breached;
      }
      json::object g{{"key", std::move(key)}, {"response", counts_json(resp)}, {"resolution", counts_json(reso)},
                     {"all", counts_json({resp.met + reso.met, resp.breached + reso.breached})}};
      groups.push_back(std::move(g));
    }
    json::object out{{"from", format_rfc3339(*from)},
                     {"to", format_rfc3339(*to)},
                     {"generated_at", format_rfc3339(now)},
                     {"group_by", [&] {
                        json::array a;
                        for (const auto* d : dims) a.push_back(json::string(d->name));
                        return a;
                      }()},
                     {"totals", json::object{{"response", counts_json(total[0])},
                                             {"resolution", counts_json(total[1])},
                                             {"all", counts_json({total[0].met + total[1].met,
                                                                  total[0].breached + total[1].breached})}}},
                     {"groups", std::move(groups)}};
    if (breaches && breach_limit > 0) {
      const std::string bw = breached[0].sql + " OR " + breached[1].sql;
      std::vector<SqlValue> bp = breached[0].params;
      bp.insert(bp.end(), breached[1].params.begin(), breached[1].params.end());
      bp.push_back(breach_limit + 1);
      ORDO_ASSIGN(auto brows, c.query("SELECT id, number, title, status, service, customer, priority, sla_agreement, "
                                      "response_breached_at, response_due_at, response_breached, "
                                      "resolution_breached_at, resolution_due_at, resolution_breached FROM " +
                                          t.plural + " " + scan + " WHERE " + bw + " ORDER BY id LIMIT ?",
                                      bp));
      json::array list;
      const bool truncated = static_cast<std::int64_t>(brows.size()) > breach_limit;
      if (truncated) brows.resize(static_cast<std::size_t>(breach_limit));
      auto opt = [](const SqlValue& v) { return sql_null(v) ? json::value(nullptr) : json::value(sql_int(v)); };
      for (const auto& r : brows) {
        json::array which;
        for (int k = 0; k < 2; ++k) {
          const SqlValue& at = r[8 + 3 * k];
          const SqlValue& due = r[9 + 3 * k];
          const bool stored = !sql_null(at) && sql_int(at) >= *from && sql_int(at) < *to;
          const bool pending = sql_int(r[10 + 3 * k]) == 0 && !sql_null(due) && sql_int(due) >= *from && sql_int(due) < until;
          if (stored || pending)
            which.push_back(json::object{{"target", k == 0 ? "response" : "resolution"},
                                         {"breached_at", format_rfc3339(stored ? sql_int(at) : sql_int(due))}});
        }
        list.push_back(json::object{{"id", sql_int(r[0])},      {"number", sql_text(r[1])}, {"title", sql_text(r[2])},
                                    {"status", sql_text(r[3])}, {"service", opt(r[4])},     {"customer", opt(r[5])},
                                    {"priority", sql_null(r[6]) ? json::value(nullptr) : json::value(sql_text(r[6]))},
                                    {"agreement", opt(r[7])},   {"breaches", std::move(which)}});
      }
      out["breaches"] = std::move(list);
      out["breaches_truncated"] = truncated;
    }
    return out;
  });
}

std::string sla_report_csv(const json::object& report) {
  std::ostringstream os;
  std::vector<std::string> dims;
  for (const auto& d : report.at("group_by").as_array()) dims.emplace_back(d.as_string());
  for (const auto& d : dims) os << d << "_id," << d << ",";
  os << "target,met,breached,ended,attainment\r\n";
  auto emit = [&](const json::object* key, const json::object& g) {
    for (const char* target : {"response", "resolution", "all"}) {
      for (const auto& d : dims) {
        const json::value& v = key->at(d);
        if (v.is_object()) os << csv_field(v.at("id")) << "," << csv_field(v.at("name")) << ",";
        else os << "," << csv_field(v) << ",";
      }
      const json::object& c = g.at(target).as_object();
      os << target << "," << c.at("met").as_int64() << "," << c.at("breached").as_int64() << ","
         << c.at("ended").as_int64() << ",";
      if (!c.at("attainment").is_null()) os << c.at("attainment").as_double();
      os << "\r\n";
    }
  };
  for (const auto& g : report.at("groups").as_array()) emit(&g.at("key").as_object(), g.as_object());
  if (dims.empty()) return os.str();  // one group: the totals row is the same
  json::object none;
  for (const auto& d : dims) none[d] = "TOTAL";
  emit(&none, report.at("totals").as_object());
  return os.str();
}

}  // namespace ordo
