// Service catalogue and service level management (ISO/IEC 20000-1 8.2.4, 8.3.3, 8.3.4):
// the record types behind the SLA clock, declared once for the generic engine.
//
//   calendar        CAL  8.3.3  business hours: IANA zone, intervals per weekday, holidays
//   agreement       AGR  8.3.3  SLA (customer) | OLA (team) | UC (supplier): per-priority
//                               targets, pause statuses, at-risk threshold, validity
//   catalogue_item  CAT  8.2.4  a requestable offering of a service
//
// The structured members (calendar hours, agreement targets) are kJson fields whose checks
// are the clock's own parsers (Calendar::from_json, SlaTerms::from_json), so what the API
// accepts is exactly what the clock can evaluate.
#include <algorithm>

#include <boost/json.hpp>

#include "domain/calendar.h"
#include "domain/registry.h"
#include "domain/sla_clock.h"

namespace ordo {

namespace json = boost::json;

namespace {

// Staff read; administrators and process managers write; requesters see nothing through
// the generic routes (the catalogue has its own customer view, GET /api/v1/catalogue).
std::vector<Policy> provider_internal_policies() {
  auto p = reference_data_policies();
  for (auto& pol : p)
    if (pol.role == "requester") pol.read = false;
  return p;
}

// A calendar's members as the clock reads them; errors keep the clock's field names
// ("hours.mon[0][1]", "holidays[2]", "timezone"), which are the record's field names too.
Result<void> check_calendar(json::object& values) {
  json::object o;
  o["timezone"] = values["timezone"];
  o["hours"] = values["hours"].is_null() ? json::value(json::object{}) : values["hours"];
  if (!values["holidays"].is_null()) o["holidays"] = values["holidays"];
  ORDO_ASSIGN(Calendar cal, Calendar::from_json(o));
  json::object canon = cal.to_json();
  values["hours"] = canon["hours"];
  values["holidays"] = canon["holidays"];
  return {};
}

bool blank(const json::value& v) { return v.is_null(); }

Result<void> check_agreement(json::object& values) {
  std::vector<FieldError> errors;
  std::string kind(values["kind"].is_string() ? values["kind"].as_string() : "");
  if (kind == "sla") {
    if (!blank(values["team"])) errors.push_back({"team", "an SLA is with a customer: set customer, not team"});
    if (!blank(values["supplier"])) errors.push_back({"supplier", "an SLA is with a customer: a supplier's agreement is a UC"});
  } else if (kind == "ola") {
    if (blank(values["team"])) errors.push_back({"team", "is required for an OLA (the internal team that commits)"});
    if (!blank(values["customer"])) errors.push_back({"customer", "an OLA is internal: it has no customer"});
    if (!blank(values["supplier"])) errors.push_back({"supplier", "an OLA is internal: a supplier's agreement is a UC"});
  } else if (kind == "uc") {
    if (blank(values["supplier"])) errors.push_back({"supplier", "is required for an underpinning contract"});
    if (!blank(values["customer"])) errors.push_back({"customer", "a UC is with a supplier: it has no customer"});
  }
  // Targets, pause statuses and the at-risk threshold are what the clock reads.
  json::object terms{{"targets", values["targets"]}};
  if (!blank(values["pause_statuses"])) terms["pause_statuses"] = values["pause_statuses"];
  if (!blank(values["at_risk_percent"])) terms["at_risk_percent"] = values["at_risk_percent"];
  if (auto parsed = SlaTerms::from_json(terms); !parsed) {
    for (auto& fe : parsed.error().fields) errors.push_back(std::move(fe));
  } else {
    static const std::vector<std::string> priorities{"P1", "P2", "P3", "P4"};
    for (const auto& [p, t] : parsed->targets) {
      if (std::find(priorities.begin(), priorities.end(), p) == priorities.end())
        errors.push_back({"targets." + p, "is not a priority (P1, P2, P3, P4)"});
      else if (t.response > t.resolution)
        errors.push_back({"targets." + p + ".response", "is longer than the resolution target"});
    }
    // A pause status must be an open status a ticket can wait in: not new, resolved or final.
    Workflow w = incident_workflow();
    for (std::size_t i = 0; i < parsed->pause_statuses.size(); ++i) {
      const std::string& s = parsed->pause_statuses[i];
      bool ok = w.has_state(s) && s != w.initial && s != "resolved" &&
                std::find(w.final_states.begin(), w.final_states.end(), s) == w.final_states.end();
      if (!ok) errors.push_back({"pause_statuses[" + std::to_string(i) + "]",
                                 "'" + s + "' is not a status a ticket can wait in (e.g. pending_customer)"});
    }
  }
  const json::value& from = values["valid_from"];
  const json::value& to = values["valid_to"];
  if (from.is_string() && to.is_string()) {
    auto f = parse_rfc3339(from.as_string());
    auto t = parse_rfc3339(to.as_string());
    if (f && t && *t <= *f) errors.push_back({"valid_to", "must be after valid_from"});
  }
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  return {};
}

}  // namespace

RecordType calendar_type() {
  RecordType t{"calendar", "calendars", "CAL", "8.3.3", "Calendar", {}, {}};
  t.add(text("name").required().searchable().indexed().max_len(200))
      .add(text("timezone").required().max_len(64).labelled("Time zone (IANA)"))
      .add(json_field("hours").required().labelled("Working hours per weekday"))
      .add(json_field("holidays").defaults_to("[]"))
      .add(text("description").searchable().multiline());
  t.policies = provider_internal_policies();
  t.check = check_calendar;
  return t;
}

RecordType agreement_type() {
  RecordType t{"agreement", "agreements", "AGR", "8.3.3", "Agreement", {}, {}};
  t.add(text("name").required().searchable().indexed().max_len(200))
      .add(choice("kind", {"sla", "ola", "uc"}).required().indexed())
      .add(ref("service", "service").required().indexed())
      .add(ref("customer", "organisation").tenant())
      .add(ref("team", "team").indexed().internal())
      .add(ref("supplier", "organisation").indexed().internal())
      .add(ref("calendar", "calendar").labelled("Calendar (empty: 24x7)"))
      .add(json_field("targets").required().labelled("Targets per priority (business seconds)"))
      .add(json_field("pause_statuses").defaults_to(R"(["pending_customer"])"))
      .add(integer("at_risk_percent").range(1, 100).defaults_to("80").labelled("At risk at (% of target)"))
      .add(timestamp("valid_from").indexed())
      .add(timestamp("valid_to"))
      .add(text("description").searchable().multiline());
  // A requester reads their own organisation's SLAs; OLAs and UCs have no customer, so they
  // stay with the provider.
  t.policies = reference_data_policies();
  t.check = check_agreement;
  return t;
}

RecordType catalogue_item_type() {
  RecordType t{"catalogue_item", "catalogue_items", "CAT", "8.2.4", "Catalogue item", {}, {}};
  t.add(ref("service", "service").required().indexed())
      .add(text("name").required().searchable().indexed().max_len(200))
      .add(text("description").searchable().multiline())
      .add(boolean("approval_required").defaults_to("false"))
      .add(text("fulfilment_instructions").multiline().internal())
      .add(ref("fulfilment_group", "team").indexed().internal())
      .add(boolean("active").defaults_to("true").indexed());
  t.policies = provider_internal_policies();
  return t;
}

}  // namespace ordo
