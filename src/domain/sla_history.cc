#include "domain/sla_history.h"

#include <algorithm>

#include <boost/json.hpp>

namespace ordo {

namespace json = boost::json;

namespace {
std::string str_or_empty(const json::value* v) {
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
}  // namespace

// The actions read here (create, reply, update with a priority or status change,
// transition) are also the filter of SlaEngine::load_history's query (src/app/sla.cc):
// an action added here must be added there.
SlaTimeline sla_timeline(std::span<const HistoryEntry> history) {
  SlaTimeline tl;
  Instant last = history.empty() ? 0 : history.front().at;
  for (const auto& e : history) {
    Instant at = std::max(e.at, last);
    last = at;
    if (e.action == "create") {
      tl.status = str_or_empty(e.data.if_contains("status"));
      if (const auto* v = e.data.if_contains("values"); v && v->is_object())
        tl.priority = str_or_empty(v->as_object().if_contains("priority"));
      continue;
    }
    if (e.action == "reply") {
      if (const auto* p = e.data.if_contains("public"); p && p->is_bool() && p->as_bool())
        tl.facts.push_back(TicketFact::public_reply(at));
      continue;
    }
    if (e.action != "update" && e.action != "transition") continue;
    // A priority change and a status change in one event: the priority applies first, so
    // the status change (e.g. a reopen) runs under the new targets.
    if (const auto* ch = e.data.if_contains("changes"); ch && ch->is_object())
      if (const auto* p = ch->as_object().if_contains("priority"); p && p->is_array() && p->as_array().size() == 2)
        if (const auto& nv = p->as_array()[1]; nv.is_string())
          tl.facts.push_back(TicketFact::priority(at, std::string(nv.as_string())));
    if (auto to = str_or_empty(e.data.if_contains("to")); !to.empty()) tl.facts.push_back(TicketFact::status(at, to));
  }
  return tl;
}

StatusModel status_model(const RecordType& t) {
  StatusModel m;
  if (!t.workflow) return m;
  const Workflow& w = *t.workflow;
  m.initial = w.initial;
  m.resolved = t.sla_resolved_state;
  m.final_statuses = w.final_states;
  m.open.clear();
  for (const auto& s : w.states)
    if (s != m.resolved && std::find(w.final_states.begin(), w.final_states.end(), s) == w.final_states.end())
      m.open.push_back(s);
  return m;
}

std::optional<std::size_t> pick_agreement(std::span<const AgreementCandidate> candidates,
                                          std::optional<std::int64_t> customer, Instant at,
                                          std::string_view ticket_type) {
  std::optional<std::size_t> best;
  auto rank = [&](const AgreementCandidate& a) {
    // (customer-specific, type-specific, valid_from, -id): larger is better
    return std::tuple(a.customer.has_value(), !a.applies_to.empty(), a.valid_from.value_or(INT64_MIN), -a.id);
  };
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto& a = candidates[i];
    if (a.valid_from && at < *a.valid_from) continue;
    if (a.valid_to && at >= *a.valid_to) continue;
    if (a.customer && (!customer || *a.customer != *customer)) continue;
    if (!a.applies_to.empty() && a.applies_to != ticket_type) continue;
    if (!best || rank(a) > rank(candidates[*best])) best = i;
  }
  return best;
}

json::object sla_columns(std::int64_t agreement_id, const ClockResult* r) {
  json::object o;
  const bool have = agreement_id > 0 && r;
  o["sla_agreement"] = have ? json::value(agreement_id) : json::value(nullptr);
  o["sla_due_at"] = nullptr;
  o["sla_at_risk"] = have ? json::value(false) : json::value(nullptr);
  for (const char* name : {"response", "resolution"}) {
    const std::string p = name;
    for (const char* k : {"_due_at", "_met_at", "_breached_at", "_breached"}) o[p + k] = nullptr;
  }
  if (!have) return o;
  auto ts = [](const std::optional<Instant>& t) -> json::value {
    return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
  };
  std::optional<Instant> due;
  bool at_risk = false;
  for (const TargetResult* t : {&r->response, &r->resolution}) {
    const std::string p(to_string(t->target));
    o[p + "_due_at"] = ts(t->due_at);
    o[p + "_met_at"] = ts(t->met_at);
    o[p + "_breached_at"] = ts(t->breached ? t->breached_at : std::nullopt);
    o[p + "_breached"] = t->breached;
    if (t->due_at && (!due || *t->due_at < *due)) due = t->due_at;
    at_risk = at_risk || t->at_risk;
  }
  o["sla_due_at"] = ts(due);
  o["sla_at_risk"] = at_risk;
  return o;
}

}  // namespace ordo
