#include "domain/import_line.h"

#include <algorithm>

#include <boost/json.hpp>

namespace ordo {

namespace json = boost::json;

namespace {

// Members of a line besides the record's own fields, and where each one goes.
constexpr std::string_view kRecordMembers[] = {"title", "description", "impact", "urgency"};
constexpr std::string_view kStepFieldMembers[] = {"resolution_code", "resolution_note"};

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

template <std::size_t N>
bool one_of(std::string_view s, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

std::string index_name(std::size_t i) { return "timeline[" + std::to_string(i) + "]"; }

// A name member: absent or null → "", otherwise a non-empty string.
std::string name_member(const json::object& o, std::string_view key, std::vector<FieldError>& errors) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string() || v->as_string().empty()) {
    errors.push_back({std::string(key), "must be a name (a non-empty string)"});
    return {};
  }
  return std::string(v->as_string());
}

// A timestamp member; `after` is the earliest instant allowed, `after_what` says why.
std::optional<Instant> time_member(const json::value* v, const std::string& field, Instant now,
                                   std::optional<Instant> after, const std::string& after_what,
                                   std::vector<FieldError>& errors) {
  if (!v || v->is_null()) {
    errors.push_back({field, "is required"});
    return std::nullopt;
  }
  if (!v->is_string()) {
    errors.push_back({field, "must be an RFC 3339 timestamp string"});
    return std::nullopt;
  }
  auto t = parse_rfc3339(v->as_string());
  if (!t) {
    errors.push_back({field, "must be an RFC 3339 timestamp, e.g. 2026-03-02T09:15:00Z"});
    return std::nullopt;
  }
  if (*t > now) {
    errors.push_back({field, "is in the future (" + format_rfc3339(*t) + "): imports are history"});
    return std::nullopt;
  }
  if (after && *t < *after) {
    errors.push_back({field, "is before " + after_what + " (" + format_rfc3339(*after) + ")"});
    return std::nullopt;
  }
  return t;
}

// Parses entry i; `prev` is the earliest instant it may have and `prev_what` where that
// comes from. A good entry is appended to line.timeline.
bool parse_step(const json::value& v, std::size_t i, Instant now, std::optional<Instant> prev, const std::string& prev_what,
                ImportLine& line, std::vector<FieldError>& errors) {
  const std::string at_name = index_name(i);
  if (!v.is_object()) {
    errors.push_back({at_name, "must be an object {\"at\": …, \"status\"|\"priority\"|\"public_reply\": …}"});
    return false;
  }
  const json::object& o = v.as_object();
  const std::size_t before = errors.size();
  ImportStep step;
  int kinds = 0;
  for (const auto& [key, mv] : o) {
    std::string_view k = key;
    std::string field = at_name + "." + std::string(k);
    if (k == "at") continue;
    if (k == "status" || k == "priority") {
      ++kinds;
      step.kind = k == "status" ? ImportStep::Kind::kStatus : ImportStep::Kind::kPriority;
      if (!mv.is_string() || mv.as_string().empty()) errors.push_back({field, "must be a string"});
      else step.value = std::string(mv.as_string());
    } else if (k == "public_reply") {
      ++kinds;
      step.kind = ImportStep::Kind::kPublicReply;
      if (!mv.is_bool() || !mv.as_bool())
        errors.push_back({field, "must be true (internal notes are not imported)"});
    } else if (one_of(k, kStepFieldMembers)) {
      step.fields[k] = mv;
    } else {
      errors.push_back({field, "unknown member"});
    }
  }
  if (kinds != 1)
    errors.push_back({at_name, kinds == 0 ? "needs one of status, priority or public_reply"
                                          : "has more than one of status, priority and public_reply: one change per entry"});
  if (!step.fields.empty() && step.kind != ImportStep::Kind::kStatus)
    for (const auto& [k, unused] : step.fields)
      errors.push_back({at_name + "." + std::string(k), "belongs on a status entry"});
  auto at = time_member(o.if_contains("at"), at_name + ".at", now, prev, prev_what, errors);
  if (errors.size() != before || !at) return false;
  step.at = *at;
  line.timeline.push_back(std::move(step));
  return true;
}

json::object non_null(const json::object& values) {
  json::object o;
  for (const auto& [k, v] : values)
    if (!v.is_null()) o[k] = v;
  return o;
}

std::string with_prefix(const std::string& prefix, const std::string& field) {
  return field.empty() ? prefix : prefix + "." + field;
}

}  // namespace

bool valid_import_number(std::string_view n) {
  if (n.empty() || n.size() > kMaxImportNumber) return false;
  return std::all_of(n.begin(), n.end(), [](char ch) { return ch > ' ' && ch < 0x7f; });
}

bool is_native_number(const RecordType& t, std::string_view number) {
  std::string head = t.prefix + "-";
  if (!number.starts_with(head) || number.size() == head.size()) return false;
  number.remove_prefix(head.size());
  return std::all_of(number.begin(), number.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

Result<ImportLine> parse_import_line(std::string_view text, Instant now) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return invalid("validation failed", {{"", "malformed JSON (" + ec.message() + ")"}});
  if (!v.is_object()) return invalid("validation failed", {{"", "must be a JSON object"}});
  const json::object& o = v.as_object();
  ImportLine line;
  std::vector<FieldError> errors;
  for (const auto& [key, mv] : o) {
    std::string_view k = key;
    if (one_of(k, kRecordMembers)) {
      line.fields[k] = mv;
    } else if (k == "status") {
      errors.push_back({"status", "comes from the timeline: add {\"at\": …, \"status\": …} entries"});
    } else if (k == "priority") {
      errors.push_back({"priority", "is derived from impact and urgency; a timeline entry {\"at\": …, \"priority\": …} "
                                    "overrides it"});
    } else if (!one_of(k, {"number", "service", "customer", "assignment_group", "reported_at", "timeline"})) {
      errors.push_back({std::string(k), "unknown member"});
    }
  }
  if (const json::value* n = o.if_contains("number"); n && !n->is_null()) {
    if (!n->is_string() || !valid_import_number(n->as_string()))
      errors.push_back({"number", "must be 1 to " + std::to_string(kMaxImportNumber) +
                                      " printable ASCII characters without spaces"});
    else
      line.number = std::string(n->as_string());
  }
  line.service = name_member(o, "service", errors);
  line.customer = name_member(o, "customer", errors);
  line.assignment_group = name_member(o, "assignment_group", errors);
  auto reported = time_member(o.if_contains("reported_at"), "reported_at", now, std::nullopt, "", errors);
  if (reported) line.reported_at = *reported;
  if (const json::value* tl = o.if_contains("timeline"); tl && !tl->is_null()) {
    if (!tl->is_array()) {
      errors.push_back({"timeline", "must be an array of entries"});
    } else if (tl->as_array().size() > kMaxImportTimeline) {
      errors.push_back({"timeline", "has more than " + std::to_string(kMaxImportTimeline) + " entries"});
    } else {
      // Each entry is checked against the previous good one (or reported_at), so one bad
      // timestamp is reported once, not again for every entry after it.
      const auto& arr = tl->as_array();
      std::string prev_what = "reported_at";
      for (std::size_t i = 0; i < arr.size(); ++i) {
        std::optional<Instant> prev = line.timeline.empty() ? reported : std::optional<Instant>(line.timeline.back().at);
        if (parse_step(arr[i], i, now, prev, prev_what, line, errors)) prev_what = index_name(i) + ".at";
      }
    }
  }
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  return line;
}

Result<ImportPlan> plan_import(const RecordType& t, const ImportLine& line, const ImportRefs& refs) {
  if (!t.workflow) return internal_error("plan_import: " + t.name + " has no workflow");
  const Workflow& w = *t.workflow;
  std::vector<FieldError> errors;
  if (!line.number.empty() && is_native_number(t, line.number))
    errors.push_back({"number", "has the form of the numbers Ordo gives (" + t.prefix +
                                    "-000042) and could collide with them: leave it out to get one"});

  json::object body = line.fields;
  body["reported_at"] = format_rfc3339(line.reported_at);
  if (refs.service) body["service"] = *refs.service;
  if (refs.customer) body["customer"] = *refs.customer;
  if (refs.assignment_group) body["assignment_group"] = *refs.assignment_group;
  auto created = validate_create(t, body, line.reported_at);
  if (!created) {
    for (auto& fe : created.error().fields) errors.push_back(std::move(fe));
    if (created.error().fields.empty()) errors.push_back({"", created.error().message});
    return invalid("validation failed", std::move(errors));
  }

  ImportPlan plan;
  plan.created_at = line.reported_at;
  plan.updated_at = line.reported_at;
  json::object values = std::move(created->values);
  std::string status = created->status;
  // The counters the live incident process keeps (src/app/incident_process.cc): an NDJSON
  // timeline has no reassignments, and a reopen is resolved -> in_progress.
  for (const char* counter : {"reassignment_count", "reopen_count"})
    if (t.field(counter)) values[counter] = 0;
  json::object create_data{{"values", non_null(values)}, {"status", status}, {"imported", true}};
  plan.events.push_back({line.reported_at, "create", std::move(create_data)});

  const FieldDef* priority = t.field("priority");
  for (std::size_t i = 0; i < line.timeline.size(); ++i) {
    const ImportStep& s = line.timeline[i];
    const std::string name = index_name(i);
    const std::size_t before = errors.size();
    json::object data;
    switch (s.kind) {
      case ImportStep::Kind::kStatus: {
        if (!w.has_state(s.value)) {
          std::string all;
          for (const auto& st : w.states) all += (all.empty() ? "" : ", ") + st;
          errors.push_back({name + ".status", "unknown status '" + s.value + "'; the statuses are: " + all});
          break;
        }
        if (s.value == status) {
          errors.push_back({name + ".status", "the ticket is already '" + status + "' at that point"});
          break;
        }
        json::object next = values;
        for (const auto& [k, v] : s.fields) {
          const FieldDef* f = t.field(k);
          auto nv = f ? normalize_value(*f, v) : Result<json::value>(invalid("unknown field"));
          if (!nv) errors.push_back({with_prefix(name, std::string(k)), nv.error().message});
          else next[k] = std::move(*nv);
        }
        if (auto it = w.stamp_on_enter.find(s.value); it != w.stamp_on_enter.end())
          next[it->second] = format_rfc3339(s.at);
        if (t.field("reopen_count") && status == t.sla_resolved_state && s.value == "in_progress")
          next["reopen_count"] = next["reopen_count"].as_int64() + 1;
        if (auto it = w.required_on_enter.find(s.value); it != w.required_on_enter.end())
          for (const auto& req : it->second)
            if (const json::value* v = next.if_contains(req);
                !v || v->is_null() || (v->is_string() && v->as_string().empty()))
              errors.push_back({name + "." + req, "is required to enter '" + s.value + "'"});
        if (errors.size() != before) break;
        json::object changes;
        for (const auto& [k, v] : next) {
          const json::value& old = values[k];
          if (old != v) changes[k] = json::array{old, v};
        }
        data = json::object{{"changes", std::move(changes)}, {"from", status}, {"to", s.value}, {"imported", true}};
        values = std::move(next);
        status = s.value;
        plan.events.push_back({s.at, "transition", std::move(data)});
        break;
      }
      case ImportStep::Kind::kPriority: {
        if (!priority || std::find(priority->choices.begin(), priority->choices.end(), s.value) == priority->choices.end()) {
          std::string all;
          if (priority)
            for (const auto& c : priority->choices) all += (all.empty() ? "" : ", ") + c;
          errors.push_back({name + ".priority", "must be one of: " + all});
          break;
        }
        json::value old = values["priority"];
        if (old == json::value(s.value)) {
          errors.push_back({name + ".priority", "the ticket is already " + s.value + " at that point"});
          break;
        }
        values["priority"] = s.value;
        data = json::object{{"changes", json::object{{"priority", json::array{old, json::value(s.value)}}}},
                            {"imported", true}};
        plan.events.push_back({s.at, "update", std::move(data)});
        break;
      }
      case ImportStep::Kind::kPublicReply:
        plan.events.push_back({s.at, "reply", json::object{{"public", true}, {"imported", true}}});
        break;
    }
    plan.updated_at = s.at;
  }
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  plan.record.values = std::move(values);
  plan.record.status = std::move(status);
  return plan;
}

}  // namespace ordo
