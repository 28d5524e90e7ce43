#include "domain/servicenow_import.h"

#include <algorithm>
#include <cstdio>

#include <boost/json.hpp>

#include "domain/list_query.h"
#include "domain/validation.h"

namespace ordo {

namespace json = boost::json;

namespace {

constexpr std::string_view kColumnNames[kSnColumns] = {
    "number", "incident_state", "reassignment_count", "reopen_count", "sys_mod_count", "made_sla", "caller_id",
    "opened_by", "opened_at", "sys_created_by", "sys_updated_by", "sys_updated_at", "contact_type", "location",
    "category", "subcategory", "u_symptom", "cmdb_ci", "impact", "urgency", "priority", "assignment_group",
    "assigned_to", "knowledge", "u_priority_confirmation", "notify", "problem_id", "rfc", "vendor", "caused_by",
    "closed_code", "resolved_by", "resolved_at", "closed_at"};

std::string column_name(SnColumn c) { return std::string(kColumnNames[static_cast<std::size_t>(c)]); }

// Columns without an Ordo field: kept in the description as `column: value` lines.
constexpr SnColumn kDescribed[] = {SnColumn::kCallerId,     SnColumn::kOpenedBy,  SnColumn::kSysCreatedBy,
                                   SnColumn::kLocation,     SnColumn::kAssignedTo, SnColumn::kMadeSla,
                                   SnColumn::kKnowledge,    SnColumn::kPriorityConfirmation, SnColumn::kNotify,
                                   SnColumn::kProblemId,    SnColumn::kRfc,       SnColumn::kVendor,
                                   SnColumn::kCausedBy};

struct Label {
  std::string_view source, ordo;
};

// The log's states, and the labels newer ServiceNow releases export for the same states.
constexpr Label kStates[] = {
    {"New", "new"},                            {"Active", "in_progress"},
    {"In Progress", "in_progress"},            {"Awaiting User Info", "pending_customer"},
    {"Awaiting Evidence", "pending_customer"}, {"On Hold", "pending_customer"},
    {"Awaiting Problem", "pending_supplier"},  {"Awaiting Vendor", "pending_supplier"},
    {"Resolved", "resolved"},                  {"Closed", "closed"},
    {"Canceled", "cancelled"},                 {"Cancelled", "cancelled"}};
// The published log's data-quality glitch (5 rows): no state recorded; the ticket keeps its own.
constexpr std::string_view kNoState = "-100";

constexpr Label kChannels[] = {{"Phone", "phone"},         {"IVR", "phone"},        {"Email", "email"},
                               {"Self service", "portal"}, {"Direct opening", "walk_in"}, {"Walk-in", "walk_in"},
                               {"Chat", "chat"}};

// Ordo field → the column its value comes from, to name errors after the source.
constexpr Label kFieldColumns[] = {{"title", "u_symptom"},      {"category", "category"},
                                   {"subcategory", "subcategory"}, {"configuration_item", "cmdb_ci"},
                                   {"channel", "contact_type"},  {"impact", "impact"},
                                   {"urgency", "urgency"},       {"assignment_group", "assignment_group"}};

template <std::size_t N>
std::optional<std::string_view> lookup(const Label (&table)[N], std::string_view s) {
  for (const auto& l : table)
    if (l.source == s) return l.ordo;
  return std::nullopt;
}

template <std::size_t N>
std::string sources_of(const Label (&table)[N]) {
  std::string all;
  for (const auto& l : table) all += (all.empty() ? "" : ", ") + std::string(l.source);
  return all;
}

bool missing(std::string_view v) { return v.empty() || v == "?"; }

json::object non_null(const json::object& values) {
  json::object o;
  for (const auto& [k, v] : values)
    if (!v.is_null()) o[k] = v;
  return o;
}

// One row, read and checked.
struct Row {
  std::int64_t line = 0;
  std::string state_label;
  std::optional<std::string> status;  // nullopt: no state recorded (-100)
  std::int64_t reassignments = 0, reopens = 0;
  std::optional<std::int64_t> mods;
  std::optional<bool> made_sla;
  Instant updated_at = 0;
  std::string updated_by;
  json::object body;                    // Ordo fields as a create body (without reported_at)
  std::optional<std::string> priority;  // as recorded
};

// Reads the columns of one row, collecting errors named "line N: column".
class Fields {
 public:
  Fields(const ServiceNowHeader& h, const std::vector<std::string>& f, std::int64_t line, Instant now,
         std::vector<FieldError>& errors)
      : h_(h), f_(f), line_(line), now_(now), errors_(errors) {}

  std::string_view get(SnColumn c) const { return f_[h_.at(c)]; }
  std::optional<std::string> text(SnColumn c) const {
    std::string_view v = get(c);
    return missing(v) ? std::nullopt : std::optional<std::string>(v);
  }
  void error(SnColumn c, std::string message) const { error(column_name(c), std::move(message)); }
  void error(const std::string& column, std::string message) const {
    errors_.push_back({"line " + std::to_string(line_) + ": " + column, std::move(message)});
  }

  std::optional<std::int64_t> count(SnColumn c) const {
    auto n = parse_int64(get(c));
    if (!n || *n < 0) error(c, "must be a whole number ≥ 0, not '" + std::string(get(c)) + "'");
    return n && *n >= 0 ? n : std::nullopt;
  }
  std::optional<bool> flag(SnColumn c) const {
    std::string_view v = get(c);
    if (missing(v)) return std::nullopt;
    if (v == "true" || v == "false") return v == "true";
    error(c, "must be true or false, not '" + std::string(v) + "'");
    return std::nullopt;
  }
  std::optional<Instant> time(SnColumn c) const {
    std::string_view v = get(c);
    if (missing(v)) return std::nullopt;
    auto t = parse_servicenow_time(v);
    if (!t) error(c, "must be a time such as 29/2/2016 01:16 (d/m/yyyy HH:MM), not '" + std::string(v) + "'");
    else if (*t > now_) error(c, "is in the future (" + format_rfc3339(*t) + "): imports are history");
    else return t;
    return std::nullopt;
  }
  std::optional<Instant> required_time(SnColumn c) const {
    if (missing(get(c))) error(c, "is required");
    return time(c);
  }
  // "2 - Medium" → 2 (the number before " - "), within [1, max].
  std::optional<std::int64_t> level(SnColumn c, std::int64_t max) const {
    std::string_view v = get(c);
    auto n = parse_int64(v.substr(0, v.find(" - ")));
    if (!n || *n < 1 || *n > max) {
      error(c, "must be a level 1 to " + std::to_string(max) + " such as '2 - Medium', not '" + std::string(v) + "'");
      return std::nullopt;
    }
    return n;
  }

 private:
  const ServiceNowHeader& h_;
  const std::vector<std::string>& f_;
  std::int64_t line_;
  Instant now_;
  std::vector<FieldError>& errors_;
};

Row read_row(const ServiceNowHeader& h, const ServiceNowIncident& inc, std::size_t i, const TeamIdOf& team_id,
             Instant now, std::vector<FieldError>& errors) {
  Row r;
  r.line = inc.lines[i];
  Fields f(h, inc.rows[i], r.line, now, errors);
  r.state_label = std::string(f.get(SnColumn::kIncidentState));
  if (auto s = lookup(kStates, r.state_label)) r.status = std::string(*s);
  else if (r.state_label != kNoState)
    f.error(SnColumn::kIncidentState, "unknown state '" + r.state_label + "'; the states are: " + sources_of(kStates));
  r.reassignments = f.count(SnColumn::kReassignmentCount).value_or(0);
  r.reopens = f.count(SnColumn::kReopenCount).value_or(0);
  if (!missing(f.get(SnColumn::kSysModCount))) r.mods = f.count(SnColumn::kSysModCount);
  r.made_sla = f.flag(SnColumn::kMadeSla);
  r.updated_at = f.required_time(SnColumn::kSysUpdatedAt).value_or(0);
  r.updated_by = std::string(f.get(SnColumn::kSysUpdatedBy));

  json::object& b = r.body;
  b["title"] = f.text(SnColumn::kSymptom).value_or("ServiceNow incident " + inc.number);
  std::string description = "ServiceNow incident " + inc.number;
  for (SnColumn c : kDescribed)
    if (auto v = f.text(c)) description += "\n" + column_name(c) + ": " + *v;
  b["description"] = description;
  for (auto [field, column] : {std::pair{"category", SnColumn::kCategory}, std::pair{"subcategory", SnColumn::kSubcategory},
                               std::pair{"configuration_item", SnColumn::kCmdbCi}})
    if (auto v = f.text(column)) b[field] = *v;
  if (auto v = f.text(SnColumn::kContactType)) {
    if (auto ch = lookup(kChannels, *v)) b["channel"] = *ch;
    else f.error(SnColumn::kContactType, "unknown contact type '" + *v + "'; the known ones are: " + sources_of(kChannels));
  }
  if (auto g = f.text(SnColumn::kAssignmentGroup)) b["assignment_group"] = team_id(*g);
  if (auto n = f.level(SnColumn::kImpact, 3)) b["impact"] = *n;
  if (auto n = f.level(SnColumn::kUrgency, 3)) b["urgency"] = *n;
  if (!missing(f.get(SnColumn::kPriority)))  // 1 - Critical … 4 - Low; 5 - Planning is Ordo's lowest too
    if (auto n = f.level(SnColumn::kPriority, 5)) r.priority = "P" + std::to_string(std::min<std::int64_t>(*n, 4));
  return r;
}

// The incident's values after row `r` (the record rules checked), or errors.
std::optional<json::object> values_of(const RecordType& t, const Row& r, Instant opened, std::vector<FieldError>& errors) {
  json::object body = r.body;
  body["reported_at"] = format_rfc3339(opened);
  auto created = validate_create(t, body, opened);
  if (!created) {
    const std::string at = "line " + std::to_string(r.line);
    if (created.error().fields.empty()) errors.push_back({at, created.error().message});
    for (const auto& fe : created.error().fields) {
      auto column = lookup(kFieldColumns, fe.field);
      errors.push_back({at + ": " + std::string(column ? *column : std::string_view(fe.field)), fe.message});
    }
    return std::nullopt;
  }
  json::object v = std::move(created->values);
  if (r.priority) v["priority"] = *r.priority;
  v["reassignment_count"] = r.reassignments;
  v["reopen_count"] = r.reopens;
  return v;
}

json::object changes_between(const json::object& before, const json::object& after) {
  json::object changes;
  for (const auto& [k, v] : after) {
    const json::value* old = before.if_contains(k);
    json::value ov = old ? *old : json::value(nullptr);
    if (ov != v) changes[k] = json::array{ov, v};
  }
  return changes;
}

json::object source_of(const Row& r, Instant at) {
  json::object s{{"line", r.line}, {"state", r.state_label}};
  if (r.mods) s["sys_mod_count"] = *r.mods;
  if (!missing(r.updated_by)) s["sys_updated_by"] = r.updated_by;
  if (at != r.updated_at) s["sys_updated_at"] = format_rfc3339(r.updated_at);  // the event could not be earlier
  return s;
}

}  // namespace

std::optional<std::string> servicenow_status(std::string_view state_label) {
  auto s = lookup(kStates, state_label);
  return s ? std::optional<std::string>(*s) : std::nullopt;
}

std::optional<Instant> parse_servicenow_time(std::string_view s) {
  // d/m/yyyy H:MM[:SS] → YYYY-MM-DDTHH:MM:SSZ, which parse_rfc3339 checks (month lengths, ranges).
  auto take = [&](char sep, std::size_t min, std::size_t max) -> std::optional<std::int64_t> {
    std::size_t end = sep ? s.find(sep) : s.size();
    if (end == std::string_view::npos || end < min || end > max) return std::nullopt;
    auto n = parse_int64(s.substr(0, end));
    s.remove_prefix(std::min(s.size(), end + (sep ? 1 : 0)));
    return n;
  };
  auto day = take('/', 1, 2), month = take('/', 1, 2), year = take(' ', 4, 4), hour = take(':', 1, 2);
  std::optional<std::int64_t> minute, second = 0;
  if (s.find(':') != std::string_view::npos) {
    minute = take(':', 2, 2);
    second = take(0, 2, 2);
  } else {
    minute = take(0, 2, 2);
  }
  if (!day || !month || !year || !hour || !minute || !second) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(*year),
                static_cast<long long>(*month), static_cast<long long>(*day), static_cast<long long>(*hour),
                static_cast<long long>(*minute), static_cast<long long>(*second));
  return parse_rfc3339(buf);
}

ServiceNowReader::ServiceNowReader(const ServiceNowHeader& h, CsvReader csv, std::size_t base)
    : header_(h), csv_(csv), base_(base) {}

Result<ServiceNowReader> ServiceNowReader::open(std::string_view csv) {
  CsvReader r(csv);
  std::vector<std::string> names;
  ORDO_ASSIGN(bool any, r.next(names));
  if (!any) return invalid("nothing to import", {{"line 1", "the file is empty: it needs a header row"}});
  ServiceNowHeader h;
  h.width = names.size();
  std::vector<FieldError> errors;
  for (std::size_t c = 0; c < kSnColumns; ++c) {
    auto it = std::find(names.begin(), names.end(), kColumnNames[c]);
    if (it == names.end()) errors.push_back({"line 1", "the header has no column '" + std::string(kColumnNames[c]) + "'"});
    else h.index[c] = static_cast<std::size_t>(it - names.begin());
  }
  if (!errors.empty()) return invalid("not a ServiceNow incident event log", std::move(errors));
  return ServiceNowReader(h, r, 0);
}

ServiceNowReader ServiceNowReader::resume(const ServiceNowHeader& header, std::string_view csv, std::size_t begin,
                                          std::int64_t first_line) {
  return ServiceNowReader(header, CsvReader(csv.substr(begin), first_line), begin);
}

Result<std::optional<ServiceNowIncident>> ServiceNowReader::next() {
  if (!have_pending_) {
    ORDO_ASSIGN(bool any, csv_.next(pending_));
    if (!any) return std::optional<ServiceNowIncident>{};
    pending_line_ = csv_.record_line();
    pending_begin_ = base_ + csv_.record_offset();
    have_pending_ = true;
  }
  ServiceNowIncident inc;
  // A row too short to have a number still belongs somewhere: to the incident before it.
  auto number_of = [&](const std::vector<std::string>& f) {
    return f.size() > header_.at(SnColumn::kNumber) ? f[header_.at(SnColumn::kNumber)] : std::string();
  };
  inc.number = number_of(pending_);
  inc.begin = pending_begin_;
  inc.end = base_ + csv_.offset();
  inc.lines.push_back(pending_line_);
  inc.rows.push_back(std::move(pending_));
  have_pending_ = false;
  std::vector<std::string> f;
  while (true) {
    ORDO_ASSIGN(bool any, csv_.next(f));
    if (!any) break;
    if (number_of(f) != inc.number) {
      pending_ = std::move(f);
      pending_line_ = csv_.record_line();
      pending_begin_ = base_ + csv_.record_offset();
      have_pending_ = true;
      break;
    }
    inc.lines.push_back(csv_.record_line());
    inc.rows.push_back(std::move(f));
    inc.end = base_ + csv_.offset();
    f = {};
  }
  return std::optional<ServiceNowIncident>(std::move(inc));
}

Result<ImportPlan> plan_servicenow(const RecordType& t, const ServiceNowHeader& h, const ServiceNowIncident& inc,
                                   const TeamIdOf& team_id, Instant now) {
  if (!t.workflow) return internal_error("plan_servicenow: " + t.name + " has no workflow");
  std::vector<FieldError> errors;
  const std::string first = "line " + std::to_string(inc.lines.front());
  if (!valid_import_number(inc.number))
    errors.push_back({first + ": number", "must be 1 to " + std::to_string(kMaxImportNumber) +
                                              " printable ASCII characters without spaces"});
  else if (is_native_number(t, inc.number))
    errors.push_back({first + ": number", "has the form of the numbers Ordo gives (" + t.prefix +
                                              "-000042) and could collide with them"});
  std::vector<Row> rows;
  std::vector<bool> readable;  // the row had no error of its own (its values can be checked)
  rows.reserve(inc.rows.size());
  for (std::size_t i = 0; i < inc.rows.size(); ++i) {
    if (inc.rows[i].size() != h.width) {
      errors.push_back({"line " + std::to_string(inc.lines[i]), "has " + std::to_string(inc.rows[i].size()) +
                                                                   " fields; the header has " + std::to_string(h.width)});
      continue;
    }
    const std::size_t before = errors.size();
    rows.push_back(read_row(h, inc, i, team_id, now, errors));
    readable.push_back(errors.size() == before);
  }
  if (rows.size() != inc.rows.size()) return invalid("validation failed", std::move(errors));

  // Case-level columns (the same on every row): opened_at from the first row, the outcome
  // (resolved_at, closed_at, closed_code, resolved_by) from the last.
  Fields head(h, inc.rows.front(), rows.front().line, now, errors), tail(h, inc.rows.back(), rows.back().line, now, errors);
  const Instant opened = head.required_time(SnColumn::kOpenedAt).value_or(0);
  const std::optional<Instant> resolved_at = tail.time(SnColumn::kResolvedAt), closed_at = tail.time(SnColumn::kClosedAt);
  std::string note;
  for (SnColumn c : {SnColumn::kClosedCode, SnColumn::kResolvedBy})
    if (auto v = tail.text(c)) note += (note.empty() ? "" : "\n") + column_name(c) + ": " + *v;

  std::vector<json::object> values;
  values.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (readable[i])
      if (auto v = values_of(t, rows[i], opened, errors)) values.push_back(std::move(*v));
  if (!errors.empty()) return invalid("validation failed", std::move(errors));

  // Each row's status (a row without one keeps the status before it).
  const std::size_t n = rows.size();
  const Workflow& w = *t.workflow;
  std::vector<std::string> status(n);
  for (std::size_t i = 0; i < n; ++i) status[i] = rows[i].status.value_or(i ? status[i - 1] : w.initial);
  auto enters = [&](std::size_t i, std::string_view s) { return status[i] == s && (i == 0 || status[i - 1] != s); };
  std::optional<std::size_t> last_resolution, last_closing;
  for (std::size_t i = 0; i < n; ++i) {
    if (enters(i, "resolved")) last_resolution = i;
    if (enters(i, "closed")) last_closing = i;
  }
  // Where the recorded resolved_at / closed_at take effect: resolved_at on the first row
  // in resolved dated at it, else on the last entry into resolved; closed_at on the last
  // entry into closed; either on the last row when the history has no such row.
  std::optional<std::size_t> resolved_row, closed_row;
  if (resolved_at) {
    for (std::size_t i = 0; i < n && !resolved_row; ++i)
      if (status[i] == "resolved" && rows[i].updated_at == *resolved_at) resolved_row = i;
    if (!resolved_row) resolved_row = last_resolution.value_or(n - 1);
  }
  if (closed_at) closed_row = last_closing.value_or(n - 1);

  ImportPlan plan;
  plan.created_at = opened;
  plan.updated_at = opened;
  json::object current = values.front();
  std::string state = w.initial;
  plan.events.push_back({opened, "create",
                         json::object{{"values", non_null(current)}, {"status", state}, {"imported", true},
                                      {"source", source_of(rows.front(), rows.front().updated_at)}}});
  std::optional<Instant> breached_at, resolution_entered_at;
  std::string_view label = rows.front().state_label;  // the last state the source recorded
  for (std::size_t i = 0; i < n; ++i) {
    // The row's time, but never before the event written before it (nor opened_at).
    const Instant at = std::max(rows[i].updated_at, plan.updated_at);
    json::object next = i ? std::move(values[i]) : current;
    for (const char* kept : {"resolution_note", "resolved_at", "closed_at"}) next[kept] = current[kept];
    if (!note.empty() && next["resolution_note"].is_null() && (status[i] == "resolved" || status[i] == "closed"))
      next["resolution_note"] = note;
    if (resolved_row == i) next["resolved_at"] = format_rfc3339(*resolved_at);
    if (closed_row == i) next["closed_at"] = format_rfc3339(*closed_at);
    if (rows[i].made_sla && !*rows[i].made_sla && !breached_at) breached_at = at;
    json::object changes = changes_between(current, next);
    const bool moved = status[i] != state;
    // A new source state that maps to the same Ordo status (Awaiting Problem → Awaiting
    // Vendor) is still a change: an update whose source.state shows it.
    const bool relabelled = rows[i].status && rows[i].state_label != label;
    if (rows[i].status) label = rows[i].state_label;
    if (changes.empty() && !moved && !relabelled) continue;  // only the sys_* bookkeeping changed
    json::object data{{"changes", std::move(changes)}};
    if (moved) {
      data["from"] = state;
      data["to"] = status[i];
    }
    data["imported"] = true;
    data["source"] = source_of(rows[i], at);
    plan.events.push_back({at, moved ? "transition" : "update", std::move(data)});
    if (moved && status[i] == "resolved") resolution_entered_at = at;
    current = std::move(next);
    state = status[i];
    plan.updated_at = at;
  }

  // made_sla (the source's verdict on its SLA) as the resolution target's figures: met when
  // it was resolved (or closed, without a resolution time), breached at the first row that
  // showed made_sla = false. No agreement: the source's SLA definitions are not in the log.
  if (auto made = rows.back().made_sla) {
    current["resolution_breached"] = !*made;
    if (!*made) {
      current["resolution_breached_at"] = format_rfc3339(breached_at.value_or(opened));
    } else {
      std::optional<Instant> met = resolved_at ? resolved_at : resolution_entered_at ? resolution_entered_at : closed_at;
      if (met) current["resolution_met_at"] = format_rfc3339(*met);
    }
  }
  plan.record.values = std::move(current);
  plan.record.status = std::move(state);
  return plan;
}

}  // namespace ordo
