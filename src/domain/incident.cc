// Incident management (ISO/IEC 20000-1 8.6.1): everything that makes an incident an incident.
//
// Workflow (DESIGN.md "Process workflows"), as a table:
//
//   from               -> to
//   new                -> in_progress, cancelled
//   in_progress        -> pending_customer, pending_supplier, resolved, cancelled
//   pending_customer   -> in_progress, cancelled
//   pending_supplier   -> in_progress, cancelled
//   resolved           -> in_progress (reopen), closed
//   closed, cancelled  -> (final)
//
// Entering `resolved` requires resolution_code and resolution_note and stamps resolved_at;
// entering `closed` stamps closed_at.
//
// What the engine keeps on the record (src/app/incident_process.cc):
//   reassignment_count  +1 each time the assignment group changes from one team to another
//                       (functional escalation; the first assignment is not a reassignment)
//   reopen_count        +1 each time a resolved incident goes back to in_progress
// A major incident (major_incident = true, or the configured priority, P1 by default) needs
// a post_incident_review before it may close.
#include <boost/json/value.hpp>

#include "domain/priority.h"
#include "domain/registry.h"

namespace ordo {

Workflow incident_workflow() {
  Workflow w;
  w.initial = "new";
  w.states = {"new", "in_progress", "pending_customer", "pending_supplier", "resolved", "closed", "cancelled"};
  w.final_states = {"closed", "cancelled"};
  w.transitions = {
      {"new", "in_progress"},           {"new", "cancelled"},
      {"in_progress", "pending_customer"}, {"in_progress", "pending_supplier"},
      {"in_progress", "resolved"},      {"in_progress", "cancelled"},
      {"pending_customer", "in_progress"}, {"pending_customer", "cancelled"},
      {"pending_supplier", "in_progress"}, {"pending_supplier", "cancelled"},
      {"resolved", "in_progress"},      {"resolved", "closed"},
  };
  w.required_on_enter["resolved"] = {"resolution_code", "resolution_note"};
  w.stamp_on_enter["resolved"] = "resolved_at";
  w.stamp_on_enter["closed"] = "closed_at";
  return w;
}

RecordType incident_type() {
  RecordType t{"incident", "incidents", "INC", "8.6.1", "Incident", {}, {}};
  t.add(text("title").required().searchable().max_len(500))
      .add(text("description").searchable().multiline())
      .add(ref("service", "service").indexed())
      .add(text("configuration_item").indexed().max_len(200).labelled("Configuration item"))
      .add(text("category").indexed().max_len(100))
      .add(text("subcategory").indexed().max_len(100))
      .add(choice("channel", {"portal", "email", "phone", "chat", "walk_in", "monitoring", "api"}).indexed())
      .add(ref("caller", "user").indexed().labelled("Caller"))
      .add(ref("customer", "organisation").tenant())
      .add(ref("assignment_group", "team").indexed().internal())
      .add(ref("assignee", "user").indexed().internal().must_be_member_of("assignment_group"))
      .add(integer("impact").range(1, 3).required())
      .add(integer("urgency").range(1, 3).required())
      .add(choice("priority", {"P1", "P2", "P3", "P4"})
               .indexed()
               .derived(priority_from_impact_urgency))
      .add(timestamp("reported_at").defaults_now().indexed())
      .add(boolean("major_incident").indexed().internal().labelled("Major incident"))
      .add(ref("problem", "problem").indexed().internal().readonly().labelled("Problem"))  // linked by problems.cc
      .add(integer("reassignment_count").readonly().indexed().internal().labelled("Reassignments"))
      .add(integer("reopen_count").readonly().indexed().labelled("Reopens"))
      .add(choice("resolution_code", {"fixed", "workaround", "no_fault_found", "duplicate",
                                      "user_error", "not_reproducible"}))
      .add(text("resolution_note").multiline())
      .add(ref("knowledge_article", "knowledge_article").indexed().internal().labelled("Used to resolve"))  // knowledge.cc counts it
      .add(timestamp("resolved_at").readonly().indexed())
      .add(timestamp("closed_at").readonly());
  for (auto& f : satisfaction_fields()) t.add(std::move(f));
  for (auto& f : sla_fields()) t.add(std::move(f));
  t.sla_resolved_state = "resolved";
  t.covering_indexes = ticket_report_indexes("resolved_at");
  // Incident trends (src/app/problems.cc): clusters by service and category, or by
  // configuration item, over a reported_at window, with how many are linked to a problem;
  // each cluster's newest incidents are a seek to (key, end of the window).
  t.covering_indexes.push_back({"trend_service", {"service", "category", "reported_at", "problem"}});
  t.covering_indexes.push_back({"trend_item", {"configuration_item", "reported_at", "problem"}});
  t.workflow = incident_workflow();
  t.policies = process_record_policies(/*requester_may_create=*/true);
  for (auto& pol : t.policies)  // confirm (close) or reopen a resolved ticket, answer a pending one
    if (pol.role == "requester") pol.transitions = {"closed", "in_progress"};
  return t;
}

// The review a major incident needs before it closes (8.6.1): what happened when, why, and
// what will be done so it does not happen again.
RecordType post_incident_review_type() {
  RecordType t{"post_incident_review", "post_incident_reviews", "PIR", "8.6.1", "Post-incident review", {}, {}};
  t.add(ref("incident", "incident").required().indexed())
      .add(text("title").required().searchable().max_len(500))
      .add(text("timeline").required().multiline().searchable())
      .add(text("root_cause_summary").required().multiline().searchable().labelled("Root cause summary"))
      .add(text("actions").required().multiline().searchable().labelled("Actions"))
      .add(ref("facilitator", "user").labelled("Facilitator"))
      .add(timestamp("held_at").defaults_now().labelled("Held at"));
  t.policies = process_record_policies(/*requester_may_create=*/false);
  for (auto& pol : t.policies)
    if (pol.role == "requester") pol.read = false;  // internal to the provider
  return t;
}

}  // namespace ordo
