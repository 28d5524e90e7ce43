// Service request management (ISO/IEC 20000-1 8.6.2): a request raised from a catalogue
// item, approved when the item says so, fulfilled through tasks assigned to the item's
// fulfilment team, under the same SLA clock as incidents.
//
// Service request workflow (DESIGN.md "Process workflows"), as a table:
//
//   from               -> to
//   submitted          -> awaiting_approval, fulfilling, cancelled   (routed on create)
//   awaiting_approval  -> approved, rejected, cancelled               (approved/rejected: only
//                                                                      POST …/approval)
//   approved           -> fulfilling, cancelled
//   fulfilling         -> fulfilled, cancelled
//   fulfilled          -> fulfilling (reopen), closed
//   rejected, closed, cancelled -> (final)
//
// A request is routed the moment it is raised (src/app/service_requests.cc): to
// awaiting_approval when its catalogue item needs approval, otherwise straight to fulfilling
// with its first fulfilment task. Entering `fulfilled` stamps fulfilled_at and meets the SLA
// resolution target; entering `closed` stamps closed_at.
//
// Fulfilment task workflow:
//
//   open         -> in_progress, done, cancelled
//   in_progress  -> open, done, cancelled
//   done, cancelled -> (final)
//
// When every task of a request has ended and at least one is done, the request moves to
// fulfilled (src/app/service_requests.cc).
#include <boost/json/value.hpp>

#include "domain/priority.h"
#include "domain/registry.h"

namespace ordo {

Workflow service_request_workflow() {
  Workflow w;
  w.initial = "submitted";
  w.states = {"submitted", "awaiting_approval", "approved", "rejected", "fulfilling", "fulfilled", "closed", "cancelled"};
  w.final_states = {"rejected", "closed", "cancelled"};
  w.transitions = {
      {"submitted", "awaiting_approval"}, {"submitted", "fulfilling"},   {"submitted", "cancelled"},
      {"awaiting_approval", "approved"},  {"awaiting_approval", "rejected"}, {"awaiting_approval", "cancelled"},
      {"approved", "fulfilling"},         {"approved", "cancelled"},
      {"fulfilling", "fulfilled"},        {"fulfilling", "cancelled"},
      {"fulfilled", "fulfilling"},        {"fulfilled", "closed"},
  };
  w.stamp_on_enter["fulfilled"] = "fulfilled_at";
  w.stamp_on_enter["closed"] = "closed_at";
  return w;
}

RecordType service_request_type() {
  RecordType t{"service_request", "service_requests", "REQ", "8.6.2", "Service request", {}, {}};
  // title: the catalogue item's name when the requester sends none (set on create).
  t.add(text("title").searchable().max_len(500))
      .add(text("description").searchable().multiline())
      .add(ref("catalogue_item", "catalogue_item").required().indexed().labelled("Catalogue item"))
      .add(ref("service", "service").readonly().indexed())
      .add(ref("customer", "organisation").tenant().required())
      .add(ref("requested_for", "user").indexed().labelled("Requested for"))
      .add(ref("assignment_group", "team").indexed().internal())
      .add(ref("assignee", "user").indexed().internal().must_be_member_of("assignment_group"))
      .add(integer("impact").range(1, 3).defaults_to("3"))
      .add(integer("urgency").range(1, 3).defaults_to("3"))
      .add(choice("priority", {"P1", "P2", "P3", "P4"})
               .indexed()
               .derived(priority_from_impact_urgency))
      .add(timestamp("reported_at").defaults_now().indexed())
      // Approval (set by the engine: the item's named approver or the requester's manager,
      // and the decision taken through POST /api/v1/service_requests/{id}/approval).
      .add(ref("approver", "user").readonly().indexed())
      .add(choice("approval_decision", {"approved", "rejected"}).readonly().indexed().labelled("Approval decision"))
      .add(ref("approval_decided_by", "user").readonly().labelled("Decided by"))
      .add(timestamp("approval_decided_at").readonly().indexed().labelled("Decided at"))
      .add(text("approval_comment").readonly().multiline().max_len(4000).labelled("Approval comment"))
      .add(integer("reassignment_count").readonly().indexed().internal().labelled("Reassignments"))
      .add(integer("reopen_count").readonly().indexed().labelled("Reopens"))
      .add(timestamp("fulfilled_at").readonly().indexed())
      .add(timestamp("closed_at").readonly());
  for (auto& f : satisfaction_fields()) t.add(std::move(f));
  for (auto& f : sla_fields()) t.add(std::move(f));
  t.sla_resolved_state = "fulfilled";
  t.covering_indexes = ticket_report_indexes("fulfilled_at");
  t.workflow = service_request_workflow();
  t.policies = process_record_policies(/*requester_may_create=*/true);
  // Nobody moves a request to approved or rejected through the transitions route: the
  // approver decides through POST …/approval (a before hook refuses even administrators).
  for (auto& pol : t.policies) {
    if (pol.role == "requester") pol.transitions = {"cancelled", "closed", "fulfilling"};  // withdraw, confirm, reopen
    else if (!pol.transitions.empty()) pol.transitions = {"fulfilling", "fulfilled", "closed", "cancelled"};
  }
  return t;
}

Workflow fulfilment_task_workflow() {
  Workflow w;
  w.initial = "open";
  w.states = {"open", "in_progress", "done", "cancelled"};
  w.final_states = {"done", "cancelled"};
  w.transitions = {
      {"open", "in_progress"}, {"open", "done"},        {"open", "cancelled"},
      {"in_progress", "open"}, {"in_progress", "done"}, {"in_progress", "cancelled"},
  };
  w.stamp_on_enter["done"] = "done_at";
  return w;
}

// The work behind a request, for the provider's staff only.
RecordType fulfilment_task_type() {
  RecordType t{"fulfilment_task", "fulfilment_tasks", "TASK", "8.6.2", "Fulfilment task", {}, {}};
  t.add(ref("request", "service_request").required().indexed().labelled("Service request"))
      .add(text("title").required().searchable().max_len(500))
      .add(text("instructions").searchable().multiline())
      .add(ref("assignment_group", "team").indexed())
      .add(ref("assignee", "user").indexed().must_be_member_of("assignment_group"))
      .add(text("note").multiline().labelled("Work note"))
      .add(timestamp("done_at").readonly().indexed());
  t.workflow = fulfilment_task_workflow();
  t.policies = process_record_policies(/*requester_may_create=*/false);
  for (auto& pol : t.policies)
    if (pol.role == "requester") pol.read = false;  // internal to the provider
  return t;
}

}  // namespace ordo
