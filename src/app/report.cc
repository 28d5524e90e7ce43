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
#include "store/aggregate.h"
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

// A report's period [from, to): RFC 3339 parameters, by default the last 30 days.
bool period_param(const std::string& k, const std::string& v, std::optional<Instant>& from,
                  std::optional<Instant>& to, std::vector<FieldError>& errors) {
  if (k != "from" && k != "to") return false;
  auto i = parse_rfc3339(v);
  if (!i) errors.push_back({k, "must be an RFC 3339 timestamp, e.g. 2026-01-01T00:00:00Z"});
  (k == "from" ? from : to) = i;
  return true;
}

void finish_period(std::optional<Instant>& from, std::optional<Instant>& to, Instant now,
                   std::vector<FieldError>& errors) {
  if (!from) from = now - 30 * 86400;
  if (!to) to = now;
  if (errors.empty() && *to <= *from) errors.push_back({"to", "must be after from"});
}

// The names of the records `ids` of a reference type (services, organisations, teams),
// in chunks of 200 ids per query.
Result<std::map<std::int64_t, std::string>> names_by_id(SqlConn& c, const RecordType& rt, std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::int64_t, std::string> out;
  for (std::size_t at = 0; at < ids.size(); at += 200) {
    std::string in;
    std::vector<SqlValue> ip;
    for (std::size_t k = at; k < std::min(ids.size(), at + 200); ++k) {
      in += in.empty() ? "?" : ", ?";
      ip.push_back(ids[k]);
    }
    ORDO_ASSIGN(auto names, c.query("SELECT id, name FROM " + rt.plural + " WHERE id IN (" + in + ")", ip));
    for (const auto& n : names) out[sql_int(n[0])] = sql_text(n[1]);
  }
  return out;
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
    if (period_param(k, v, from, to, errors)) {
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
  finish_period(from, to, now, errors);
  if (!errors.empty()) return invalid("invalid report query", std::move(errors));
  const Instant until = std::min(*to, now);  // running targets breach only in the past

  std::vector<std::string> keys;
  for (const auto* d : dims) keys.emplace_back(d->column);
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
  std::vector<std::string> sums;
  std::string where;
  std::vector<SqlValue> select_params, where_params;
  for (int k = 0; k < 2; ++k) {
    sums.push_back("CASE WHEN " + met[k].sql + " THEN 1 ELSE 0 END");
    sums.push_back("CASE WHEN " + breached[k].sql + " THEN 1 ELSE 0 END");
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
    //
    // The scan reads the sla_report covering index (record_type.h) rather than the table:
    // a tenth of the bytes, every column the counts need (0.6 s instead of 1.7 s on 1M).
    // It then has no WHERE — the counts' CASEs already decide each ticket, and a WHERE would
    // evaluate every condition twice — and the groups whose counts are all zero, which the
    // WHERE would have left out, are dropped below.
    std::string scan;
    std::string from_where = "FROM " + t.plural + " WHERE " + where;
    std::vector<SqlValue> params = qp;
    if (c.backend() == SqlBackend::kSqlite) {
      ORDO_ASSIGN(auto maxid, c.query("SELECT COALESCE(MAX(id), 0) FROM " + t.plural));
      const std::int64_t cap = sql_int(maxid.at(0).at(0)) / 10 + 1;
      ORDO_ASSIGN(auto est, c.query("SELECT COUNT(*) FROM (SELECT 1 FROM " + t.plural +
                                        " WHERE reported_at >= ? AND reported_at < ? LIMIT ?)",
                                    {*from - 30 * 86400, *to, cap}));
      if (sql_int(est.at(0).at(0)) >= cap) {
        scan = "NOT INDEXED";
        if (const CoveringIndex* ci = covering_index(t, "sla_report")) {
          from_where = "FROM " + t.plural + " INDEXED BY " + covering_index_name(t, *ci);
          params = select_params;
        } else {
          from_where = "FROM " + t.plural + " NOT INDEXED WHERE " + where;
        }
      }
    }
    ORDO_ASSIGN(auto rows, group_sums(c, keys, sums, from_where, params));
    std::erase_if(rows, [&](const SqlRow& r) {
      return !dims.empty() && sql_int(r[dims.size()]) + sql_int(r[dims.size() + 1]) + sql_int(r[dims.size() + 2]) +
                                      sql_int(r[dims.size() + 3]) == 0;
    });
    // Labels for the ids in the group keys: one query per dimension.
    std::vector<std::map<std::int64_t, std::string>> labels(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (!*dims[i]->target) continue;
      std::vector<std::int64_t> ids;
      for (const auto& r : rows)
        if (!sql_null(r[i])) ids.push_back(sql_int(r[i]));
      ORDO_ASSIGN(labels[i], names_by_id(c, *impl_->registry->by_name(dims[i]->target), std::move(ids)));
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

// The ticket KPIs (DESIGN.md "KPIs") over tickets resolved in [from, to), with the
// reassignment and rating histograms, in one pass (group_sums) over the period's range of
// the ticket_kpi covering index:
//   MTTR            mean(resolved_at − reported_at), calendar seconds
//   reopen rate     resolved with reopen_count > 0 ÷ resolved
//   first-time fix  resolved with reassignment_count = 0 ÷ resolved
//   satisfaction    mean rating of the answered surveys; response rate = answered ÷ resolved
// Each KPI carries the list query of the tickets behind it (GET /api/v1/{plural}?{query}).
Result<json::object> App::ticket_report(const Principal& p, const QueryParams& params) {
  if (!is_staff(p)) return Error{ErrorKind::kForbidden, "ticket reports are for the provider's staff", {}, {}};
  Instant now = impl_->clock->now();
  std::optional<Instant> from, to;
  std::string plural = "incidents", group;
  std::vector<FieldError> errors;
  static const std::map<std::string, std::string> kGroups{
      {"service", "service"}, {"customer", "organisation"}, {"assignment_group", "team"}, {"priority", ""}};
  for (const auto& [k, v] : params) {
    if (period_param(k, v, from, to, errors)) continue;
    if (k == "type") plural = v;
    else if (k == "group_by") {
      if (!kGroups.count(v)) errors.push_back({k, "must be one of service, customer, assignment_group, priority"});
      group = v;
    } else errors.push_back({k, "unknown parameter (type, from, to, group_by)"});
  }
  const RecordType* t = impl_->registry->by_plural(plural);
  if (!t || t->sla_resolved_state.empty() || !t->workflow) errors.push_back({"type", "must name a ticket type, e.g. incidents"});
  finish_period(from, to, now, errors);
  if (!errors.empty()) return invalid("invalid report query", std::move(errors));
  if (!decide(*t, p.roles, Op::kRead).allowed) return not_found("no such record type for you: " + plural);
  const std::string resolved = t->workflow->stamp_on_enter.at(t->sla_resolved_state);
  for (const char* f : {"reported_at", "reopen_count", "reassignment_count", "satisfaction_rating"})
    if (!t->field(f)) return internal_error(t->plural + " lack the KPI field " + f);

  const std::string period = resolved + " >= ? AND " + resolved + " < ?";
  // The period's pass reads the ticket_kpi covering index (record_type.h): a range of
  // it holds every input, where the resolved_at index would need a row lookup per ticket
  // (3.6 s per query for a year on 1M incidents, against 0.4 s). SQLite is told; PostgreSQL's
  // planner has statistics and finds it itself.
  std::string source = t->plural;
  if (const CoveringIndex* ci = covering_index(*t, "ticket_kpi"); ci && ci->columns.front() == resolved &&
                                                          impl_->store->backend() == SqlBackend::kSqlite)
    source += " INDEXED BY " + covering_index_name(*t, *ci);
  // One pass gives the KPIs and both histograms: the rows are grouped by the report's key,
  // the reassignment bucket (0 … 4, 5 = five or more) and the rating (NULL: no answer), at
  // most groups × 6 × 6 rows, and folded below. Three sums per ticket keep the pass cheap.
  std::vector<std::string> keys = group.empty() ? std::vector<std::string>{} : std::vector<std::string>{group};
  const std::size_t nk = keys.size();
  keys.push_back("CASE WHEN reassignment_count >= 5 THEN 5 ELSE COALESCE(reassignment_count, 0) END");
  keys.push_back("satisfaction_rating");
  const std::vector<std::string> sums{"1", "COALESCE(" + resolved + " - reported_at, 0)",
                                      "CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END"};
  const std::string opened_sql = "SELECT COUNT(*) FROM " + t->plural + " WHERE reported_at >= ? AND reported_at < ?";
  const std::string base = resolved + ".gte=" + format_rfc3339(*from) + "&" + resolved + ".lt=" + format_rfc3339(*to);

  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto cells, group_sums(c, keys, sums, "FROM " + source + " WHERE " + period, {*from, *to}));
    // rows: per report group (in key order) {key, resolved, Σ duration, reopened, first-time
    // fixes, answered, Σ rating}; total: the same over all, with the histograms.
    SqlRows rows;
    SqlRow total(7, SqlValue{std::int64_t{0}});
    std::int64_t reassigned[6] = {}, rated[6] = {};
    for (const auto& cell : cells) {
      const SqlValue key = nk ? cell[0] : SqlValue{};
      if (rows.empty() || rows.back()[0] != key) {
        rows.push_back(total);
        rows.back()[0] = key;
      }
      const std::int64_t bucket = std::clamp<std::int64_t>(sql_int(cell[nk]), 0, 5), n = sql_int(cell[nk + 2]);
      const bool answered = !sql_null(cell[nk + 1]);
      const std::int64_t rating = sql_int(cell[nk + 1]);
      const std::int64_t add[7] = {0, n, sql_int(cell[nk + 3]), sql_int(cell[nk + 4]), bucket == 0 ? n : 0,
                                   answered ? n : 0, answered ? rating * n : 0};
      for (int i = 1; i < 7; ++i) {
        rows.back()[i] = sql_int(rows.back()[i]) + add[i];
        total[i] = sql_int(total[i]) + add[i];
      }
      reassigned[bucket] += n;
      if (answered && rating >= 1 && rating <= 5) rated[rating] += n;
    }
    ORDO_ASSIGN(auto opened, c.query(opened_sql, {*from, *to}));
    std::map<std::int64_t, std::string> labels;
    if (!group.empty() && !kGroups.at(group).empty()) {
      std::vector<std::int64_t> ids;
      for (const auto& r : rows)
        if (!sql_null(r[0])) ids.push_back(sql_int(r[0]));
      ORDO_ASSIGN(labels, names_by_id(c, *impl_->registry->by_name(kGroups.at(group)), std::move(ids)));
    }
    auto ratio = [](std::int64_t a, std::int64_t b) { return b ? json::value(double(a) / double(b)) : json::value(nullptr); };
    auto kpis = [&](const SqlRow& r, const std::string& scope) {
      std::int64_t n = sql_int(r[1]), answered = sql_int(r[5]);
      std::string q = base + scope;
      return json::object{
          {"resolved", n},
          {"mttr_seconds", n ? json::value(sql_int(r[2]) / n) : json::value(nullptr)},
          {"reopen_rate", ratio(sql_int(r[3]), n)},
          {"first_time_fix", ratio(sql_int(r[4]), n)},
          {"satisfaction", json::object{{"answered", answered},
                                        {"mean_rating", answered ? json::value(double(sql_int(r[6])) / double(answered))
                                                                 : json::value(nullptr)},
                                        {"response_rate", ratio(answered, n)}}},
          {"drill", json::object{{"resolved", q},
                                 {"reopened", q + "&reopen_count.gt=0"},
                                 {"first_time_fix", q + "&reassignment_count=0"},
                                 {"answered", q + "&satisfaction_rating.gte=1"}}}};
    };
    json::object out{{"type", plural}, {"from", format_rfc3339(*from)}, {"to", format_rfc3339(*to)},
                     {"generated_at", format_rfc3339(now)}, {"opened", sql_int(opened.at(0).at(0))}};
    if (group.empty()) {
      out["totals"] = kpis(total, "");
    } else {
      json::array groups;
      for (const auto& r : rows) {
        json::value key = nullptr;
        std::string scope = "&" + group + "=" + (sql_null(r[0]) ? std::string("null") : sql_text(r[0]));
        if (!sql_null(r[0]) && !kGroups.at(group).empty()) {
          auto it = labels.find(sql_int(r[0]));
          key = json::object{{"id", sql_int(r[0])}, {"name", it == labels.end() ? json::value(nullptr) : json::value(it->second)}};
        } else if (!sql_null(r[0])) {
          key = sql_text(r[0]);
        }
        json::object gj = kpis(r, scope);
        gj["key"] = std::move(key);
        groups.push_back(std::move(gj));
      }
      out["totals"] = kpis(total, "");
      out["group_by"] = group;
      out["groups"] = std::move(groups);
    }
    json::array dist;  // the buckets that have tickets
    for (std::int64_t b = 0; b <= 5; ++b)
      if (reassigned[b] > 0) dist.push_back(json::object{{"reassignments", b}, {"or_more", b == 5}, {"tickets", reassigned[b]}});
    json::array rdist;
    for (std::int64_t rating = 1; rating <= 5; ++rating)
      if (rated[rating] > 0) rdist.push_back(json::object{{"rating", rating}, {"tickets", rated[rating]}});
    out["reassignment_distribution"] = std::move(dist);
    out["rating_distribution"] = std::move(rdist);
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
