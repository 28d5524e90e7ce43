// Service catalogue and service level management (ISO/IEC 20000-1 8.2.4, 8.3.3, 8.3.4):
// the record types behind the SLA clock, declared once for the generic engine.
//
//   calendar        CAL  8.3.3  business hours: IANA zone, intervals per weekday, holidays
//   agreement       AGR  8.3.3  SLA (customer) | OLA (team) | UC (supplier): per-priority
//                               targets, pause statuses, at-risk threshold, validity, and
//                               the ticket type it covers (applies_to; empty: all)
//   catalogue_item  CAT  8.2.4  a requestable offering of a service: who fulfils it and
//                               whether (and by whom) a request for it is approved (8.6.2)
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

// Whether a ticket of type `ticket_type` ("": of any ticket type, i.e. any type with an SLA
// clock) can wait in `status`: an open status that is neither the initial one (leaving it is
// the response) nor the resolved one.
bool can_wait_in(const std::string& ticket_type, const std::string& status) {
  for (const auto& t : default_registry().types()) {
    if (t.sla_resolved_state.empty() || !t.workflow || (!ticket_type.empty() && t.name != ticket_type)) continue;
    const Workflow& w = *t.workflow;
    if (w.has_state(status) && status != w.initial && status != t.sla_resolved_state &&
        std::find(w.final_states.begin(), w.final_states.end(), status) == w.final_states.end())
      return true;
  }
  return false;
}

// A catalogue item that needs approval says whose: the requester's manager (the default) or
// a named approver.
Result<void> check_catalogue_item(json::object& values) {
  const bool named = values["approval_by"] == "named";
  if (named && blank(values["approver"]))
    return field_error("approver", "is required when approval_by is 'named'");
  if (!named && !blank(values["approver"]) && values["approval_by"].is_null()) values["approval_by"] = "named";
  return {};
}

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
    // A pause status must be an open status a ticket the agreement covers can wait in.
    std::string applies_to(values["applies_to"].is_string() ? values["applies_to"].as_string() : "");
    for (std::size_t i = 0; i < parsed->pause_statuses.size(); ++i) {
      const std::string& s = parsed->pause_statuses[i];
      if (!can_wait_in(applies_to, s))
        errors.push_back({"pause_statuses[" + std::to_string(i) + "]",
                          "'" + s + "' is not a status " + (applies_to.empty() ? std::string("a ticket") : "a " + applies_to) +
                              " can wait in (e.g. " + (applies_to == "service_request" ? "awaiting_approval" : "pending_customer") + ")"});
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
      .add(choice("applies_to", {"incident", "service_request"}).indexed().labelled("Applies to (empty: every ticket)"))
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
      .add(choice("approval_by", {"manager", "named"}).internal().labelled("Approved by (manager: the requester's)"))
      .add(ref("approver", "user").internal().labelled("Named approver"))
      .add(text("fulfilment_instructions").multiline().internal())
      .add(ref("fulfilment_group", "team").indexed().internal())
      .add(boolean("active").defaults_to("true").indexed());
  t.policies = provider_internal_policies();
  t.check = check_catalogue_item;
  return t;
}

}  // namespace ordo
