#include "domain/record_type.h"

#include <algorithm>

namespace ordo {

std::string_view to_string(FieldKind k) {
  switch (k) {
    case FieldKind::kText: return "text";
    case FieldKind::kInt: return "integer";
    case FieldKind::kBool: return "boolean";
    case FieldKind::kChoice: return "choice";
    case FieldKind::kRef: return "reference";
    case FieldKind::kTimestamp: return "timestamp";
    case FieldKind::kRefList: return "reference_list";
    case FieldKind::kJson: return "json";
  }
  return "text";
}

namespace {
FieldDef make(std::string name, FieldKind kind) {
  FieldDef f;
  f.label = name;
  std::replace(f.label.begin(), f.label.end(), '_', ' ');
  if (!f.label.empty()) f.label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(f.label[0])));
  f.name = std::move(name);
  f.kind = kind;
  return f;
}
}  // namespace

FieldDef text(std::string name) { return make(std::move(name), FieldKind::kText); }
FieldDef integer(std::string name) { return make(std::move(name), FieldKind::kInt); }
FieldDef boolean(std::string name) { return make(std::move(name), FieldKind::kBool); }
FieldDef timestamp(std::string name) { return make(std::move(name), FieldKind::kTimestamp); }
FieldDef choice(std::string name, std::vector<std::string> choices) {
  auto f = make(std::move(name), FieldKind::kChoice);
  f.choices = std::move(choices);
  return f;
}
FieldDef ref(std::string name, std::string target) {
  auto f = make(std::move(name), FieldKind::kRef);
  f.ref_target = std::move(target);
  return f;
}

FieldDef ref_list(std::string name, std::string target) {
  auto f = make(std::move(name), FieldKind::kRefList);
  f.ref_target = std::move(target);
  return f;
}

FieldDef json_field(std::string name, JsonCheck check) {
  auto f = make(std::move(name), FieldKind::kJson);
  f.check_json = std::move(check);
  return f;
}

std::vector<FieldDef> sla_fields() {
  std::vector<FieldDef> f;
  f.push_back(ref("sla_agreement", "agreement").readonly().indexed().labelled("SLA"));
  f.push_back(timestamp("sla_due_at").readonly().indexed().labelled("SLA due"));
  f.push_back(boolean("sla_at_risk").readonly().indexed().labelled("SLA at risk"));
  f.push_back(boolean("is_open").readonly().labelled("Open"));
  for (const char* target : {"response", "resolution"}) {
    std::string t = target;
    f.push_back(timestamp(t + "_due_at").readonly().indexed());
    f.push_back(timestamp(t + "_met_at").readonly().indexed());
    f.push_back(timestamp(t + "_breached_at").readonly().indexed());
    f.push_back(boolean(t + "_breached").readonly().indexed());
  }
  return f;
}

std::vector<FieldDef> satisfaction_fields() {
  std::vector<FieldDef> f;
  f.push_back(integer("satisfaction_rating").range(1, 5).readonly().indexed().labelled("Satisfaction (1-5)"));
  f.push_back(text("satisfaction_comment").readonly().multiline().max_len(4000).labelled("Satisfaction comment"));
  f.push_back(timestamp("satisfaction_at").readonly().indexed().labelled("Survey answered at"));
  return f;
}

std::vector<CoveringIndex> ticket_report_indexes(const std::string& resolved_field) {
  return {
      {"sla_report",
       {"service", "customer", "sla_agreement", "priority", "response_met_at", "response_breached",
        "response_breached_at", "response_due_at", "resolution_met_at", "resolution_breached", "resolution_breached_at",
        "resolution_due_at"}},
      {"ticket_kpi",
       {resolved_field, "reported_at", "reopen_count", "reassignment_count", "satisfaction_rating", "service", "customer",
        "assignment_group", "priority"}},
  };
}

std::string covering_index_name(const RecordType& t, const CoveringIndex& index) {
  return t.plural + "_" + index.name + "_idx";
}

const CoveringIndex* covering_index(const RecordType& t, std::string_view name) {
  for (const auto& i : t.covering_indexes)
    if (i.name == name) return &i;
  return nullptr;
}

bool ticket_is_open(const RecordType& t, std::string_view status) {
  if (!t.workflow) return false;
  const auto& fin = t.workflow->final_states;
  return status != t.sla_resolved_state && std::find(fin.begin(), fin.end(), status) == fin.end();
}

bool Workflow::has_state(std::string_view s) const {
  return std::find(states.begin(), states.end(), s) != states.end();
}

bool Workflow::allowed(std::string_view from, std::string_view to) const {
  return std::any_of(transitions.begin(), transitions.end(),
                     [&](const auto& t) { return t.first == from && t.second == to; });
}

std::vector<std::string> Workflow::allowed_from(std::string_view from) const {
  std::vector<std::string> out;
  for (const auto& [f, t] : transitions)
    if (f == from) out.push_back(t);
  return out;
}

const FieldDef* RecordType::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

bool RecordType::has_searchable() const {
  return std::any_of(fields.begin(), fields.end(), [](const FieldDef& f) { return f.is_searchable; });
}

const FieldDef* RecordType::tenant_field() const {
  for (const auto& f : fields)
    if (f.is_tenant) return &f;
  return nullptr;
}

bool is_system_field(std::string_view n) {
  return n == "id" || n == "number" || n == "version" || n == "status" || n == "created_at" ||
         n == "updated_at" || n == "created_by";
}

}  // namespace ordo
