#include "domain/validation.h"

#include <algorithm>

#include <boost/json.hpp>

namespace ordo {

namespace json = boost::json;

namespace {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

// Applies derived fields, then checks required ones (on create and on entering states).
void derive_all(const RecordType& t, json::object& values) {
  for (const auto& f : t.fields)
    if (f.derive) values[f.name] = f.derive(values);
}

// The type's cross-field rules, once every field is valid.
Result<void> check_record(const RecordType& t, json::object& values) {
  if (!t.check) return {};
  return t.check(values);
}

bool is_blank(const json::value* v) {
  return !v || v->is_null() || (v->is_string() && v->as_string().empty());
}

// Applies writable members of `body` to `values`; collects field errors.
void apply_body(const RecordType& t, const json::object& body, json::object& values,
                std::vector<FieldError>& errors, std::initializer_list<std::string_view> reserved) {
  for (const auto& [key, v] : body) {
    std::string_view k = key;
    if (std::find(reserved.begin(), reserved.end(), k) != reserved.end()) continue;
    const FieldDef* f = t.field(k);
    if (!f) {
      if (k == "status")
        errors.push_back({std::string(k), "status changes through POST …/transitions"});
      else if (is_system_field(k))
        errors.push_back({std::string(k), "is set by the system"});
      else
        errors.push_back({std::string(k), "unknown field"});
      continue;
    }
    if (f->is_readonly) {
      errors.push_back({f->name, "is read-only"});
      continue;
    }
    auto nv = normalize_value(*f, v);
    if (!nv) {
      if (nv.error().fields.empty()) {
        errors.push_back({f->name, nv.error().message});
      } else {  // a structured value reports where inside it: "hours.mon[0][1]"
        for (const auto& fe : nv.error().fields)
          errors.push_back({fe.field.empty() ? f->name
                                             : f->name + (fe.field[0] == '[' ? "" : ".") + fe.field,
                            fe.message});
      }
      continue;
    }
    values[f->name] = std::move(*nv);
  }
}

}  // namespace

Result<json::value> normalize_value(const FieldDef& f, const json::value& v) {
  if (v.is_null()) return json::value(nullptr);
  switch (f.kind) {
    case FieldKind::kText: {
      if (!v.is_string()) return invalid("must be a string");
      const auto& s = v.as_string();
      if (s.size() > f.max_length) return invalid("is longer than " + std::to_string(f.max_length) + " bytes");
      if (!valid_utf8(s)) return invalid("is not valid UTF-8");
      return v;
    }
    case FieldKind::kInt:
    case FieldKind::kRef: {
      std::int64_t n = 0;
      if (v.is_int64()) n = v.as_int64();
      else if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(v.as_uint64());
      else if (v.is_double() && v.as_double() == static_cast<double>(static_cast<std::int64_t>(v.as_double())) &&
               std::abs(v.as_double()) < 9.0e15) n = static_cast<std::int64_t>(v.as_double());
      else return invalid(f.kind == FieldKind::kRef ? "must be the id (an integer) of a " + f.ref_target : "must be an integer");
      if (f.kind == FieldKind::kRef && n <= 0) return invalid("must be the id of a " + f.ref_target);
      if (f.min && n < *f.min) return invalid("must be at least " + std::to_string(*f.min));
      if (f.max && n > *f.max) return invalid("must be at most " + std::to_string(*f.max));
      return json::value(n);
    }
    case FieldKind::kBool:
      if (!v.is_bool()) return invalid("must be true or false");
      return v;
    case FieldKind::kRefList: {
      if (!v.is_array()) return invalid("must be an array of " + f.ref_target + " ids");
      if (v.as_array().size() > 1000) return invalid("has more than 1000 entries");
      json::array out;
      for (const auto& e : v.as_array()) {
        if (!e.is_int64() || e.as_int64() <= 0) return invalid("must be an array of " + f.ref_target + " ids");
        if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
      }
      std::sort(out.begin(), out.end(), [](const json::value& a, const json::value& b) { return a.as_int64() < b.as_int64(); });
      return json::value(std::move(out));
    }
    case FieldKind::kJson: {
      if (f.check_json) return f.check_json(v);
      if (!v.is_object() && !v.is_array()) return invalid("must be a JSON object or array");
      return v;
    }
    case FieldKind::kChoice: {
      if (!v.is_string()) return invalid("must be a string");
      std::string_view s = v.as_string();
      if (std::find(f.choices.begin(), f.choices.end(), s) == f.choices.end()) {
        std::string all;
        for (const auto& c : f.choices) all += (all.empty() ? "" : ", ") + c;
        return invalid("must be one of: " + all);
      }
      return v;
    }
    case FieldKind::kTimestamp: {
      if (!v.is_string()) return invalid("must be an RFC 3339 timestamp string");
      auto t = parse_rfc3339(v.as_string());
      if (!t) return invalid("must be an RFC 3339 timestamp, e.g. 2026-03-02T09:15:00Z");
      return json::value(format_rfc3339(*t));
    }
  }
  return invalid("unsupported field kind");
}

Result<Change> validate_create(const RecordType& t, const json::object& body, Instant now) {
  Change c;
  for (const auto& f : t.fields) c.values[f.name] = nullptr;
  std::vector<FieldError> errors;
  apply_body(t, body, c.values, errors, {});
  for (const auto& f : t.fields) {
    if (f.is_default_now && c.values[f.name].is_null()) c.values[f.name] = format_rfc3339(now);
    if (!f.default_json.empty() && c.values[f.name].is_null()) c.values[f.name] = json::parse(f.default_json);
  }
  derive_all(t, c.values);
  for (const auto& f : t.fields)
    if (f.is_required && !f.derive && is_blank(c.values.if_contains(f.name)) &&
        std::none_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.field == f.name; }))
      errors.push_back({f.name, "is required"});
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  ORDO_TRY(check_record(t, c.values));
  if (t.workflow) c.status = t.workflow->initial;
  return c;
}

namespace {
void diff(const json::object& before, const json::object& after, json::object& changes) {
  for (const auto& [k, v] : after) {
    const json::value* old = before.if_contains(k);  // compared in place: no copy of an unchanged value
    if (old ? *old != v : !v.is_null()) changes[k] = json::array{old ? *old : json::value(nullptr), v};
  }
}
}  // namespace

Result<Change> validate_patch(const RecordType& t, const json::object& current, const json::object& body) {
  Change c;
  c.values = current;
  std::vector<FieldError> errors;
  apply_body(t, body, c.values, errors, {"version"});
  derive_all(t, c.values);
  for (const auto& f : t.fields)
    if (f.is_required && !f.derive && body.contains(f.name) && is_blank(c.values.if_contains(f.name)))
      errors.push_back({f.name, "is required"});
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  ORDO_TRY(check_record(t, c.values));
  diff(current, c.values, c.changes);
  return c;
}

Result<Change> validate_transition(const RecordType& t, const json::object& current,
                                   const std::string& current_status, const json::object& body,
                                   Instant now) {
  if (!t.workflow) return conflict(t.name + " records have no workflow");
  const Workflow& w = *t.workflow;
  const json::value* to_v = body.if_contains("to");
  if (!to_v || !to_v->is_string()) return field_error("to", "is required: the target status");
  std::string to(to_v->as_string());
  if (!w.has_state(to)) {
    auto e = field_error("to", "unknown status '" + to + "'");
    e.allowed = w.allowed_from(current_status);
    return e;
  }
  if (!w.allowed(current_status, to)) {
    Error e = conflict("cannot go from '" + current_status + "' to '" + to + "'");
    e.allowed = w.allowed_from(current_status);
    return e;
  }
  Change c;
  c.values = current;
  std::vector<FieldError> errors;
  apply_body(t, body, c.values, errors, {"to", "version"});
  if (auto it = w.stamp_on_enter.find(to); it != w.stamp_on_enter.end())
    c.values[it->second] = format_rfc3339(now);
  derive_all(t, c.values);
  if (auto it = w.required_on_enter.find(to); it != w.required_on_enter.end())
    for (const auto& name : it->second)
      if (is_blank(c.values.if_contains(name)))
        errors.push_back({name, "is required to enter '" + to + "'"});
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  ORDO_TRY(check_record(t, c.values));
  diff(current, c.values, c.changes);
  c.status = to;
  return c;
}

}  // namespace ordo
