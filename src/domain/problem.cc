// Problem management (ISO/IEC 20000-1 8.6.3): problems and known errors.
//
// A problem is the unknown cause of one or more incidents. Its workflow (DESIGN.md "Process
// workflows"), as a table:
//
//   from           -> to
//   new            -> investigating, cancelled
//   investigating  -> known_error, resolved, cancelled
//   known_error    -> investigating, resolved, cancelled
//   resolved       -> investigating (reopen: the fix did not remove the cause), closed
//   closed, cancelled  -> (final)
//
// Entering known_error requires a workaround and stamps known_error_at; entering resolved
// requires the root cause and the change that fixes it (`fix_change`, a text reference such
// as "CHG-000123" until change management lands) and stamps resolved_at; closed stamps
// closed_at. Root-cause analysis is kept in symptoms, root_cause, analysis_method and
// contributing_factors (all searchable).
//
// A known error is the documented workaround of a problem, matched against new incidents by
// service and configuration item: active -> retired. What the engine does around both
// (src/app/problems.cc): a problem entering known_error gets its known error record, closing
// or cancelling a problem retires its active known errors, incidents are linked to problems
// (incident.problem, incident_count here), and incidents logged on a service or CI with
// active known errors come back with them.
//
// Both are internal to the provider: requesters neither see nor search them.
#include <boost/json/value.hpp>

#include "domain/priority.h"
#include "domain/registry.h"

namespace ordo {

namespace {

// Staff work problems and known errors; requesters never see them.
std::vector<Policy> internal_policies() {
  auto policies = process_record_policies(/*requester_may_create=*/false);
  for (auto& pol : policies)
    if (pol.role == "requester") pol.read = false;
  return policies;
}

}  // namespace

Workflow problem_workflow() {
  Workflow w;
  w.initial = "new";
  w.states = {"new", "investigating", "known_error", "resolved", "closed", "cancelled"};
  w.final_states = {"closed", "cancelled"};
  w.transitions = {
      {"new", "investigating"},         {"new", "cancelled"},
      {"investigating", "known_error"}, {"investigating", "resolved"},   {"investigating", "cancelled"},
      {"known_error", "investigating"}, {"known_error", "resolved"},     {"known_error", "cancelled"},
      {"resolved", "investigating"},    {"resolved", "closed"},
  };
  w.required_on_enter["known_error"] = {"workaround"};
  w.required_on_enter["resolved"] = {"root_cause", "fix_change"};
  w.stamp_on_enter["known_error"] = "known_error_at";
  w.stamp_on_enter["resolved"] = "resolved_at";
  w.stamp_on_enter["closed"] = "closed_at";
  return w;
}

RecordType problem_type() {
  RecordType t{"problem", "problems", "PRB", "8.6.3", "Problem", {}, {}};
  t.add(text("title").required().searchable().max_len(500))
      .add(text("description").searchable().multiline())
      .add(ref("service", "service").indexed())
      .add(text("configuration_item").indexed().max_len(200).labelled("Configuration item"))
      .add(text("category").indexed().max_len(100))
      .add(integer("impact").range(1, 3).required())
      .add(integer("urgency").range(1, 3).required())
      .add(choice("priority", {"P1", "P2", "P3", "P4"}).indexed().derived(priority_from_impact_urgency))
      .add(ref("assignment_group", "team").indexed().internal())
      .add(ref("assignee", "user").indexed().internal().must_be_member_of("assignment_group"))
      .add(text("symptoms").searchable().multiline())
      .add(choice("analysis_method", {"five_whys", "fishbone", "fault_tree", "kepner_tregoe", "timeline", "other"})
               .labelled("Analysis method"))
      .add(text("root_cause").searchable().multiline().labelled("Root cause"))
      .add(text("contributing_factors").searchable().multiline().labelled("Contributing factors"))
      .add(text("workaround").searchable().multiline())
      .add(text("fix_change").indexed().max_len(200).labelled("Fixing change"))
      .add(ref_list("raised_from", "incident").labelled("Raised from incidents"))
      .add(integer("incident_count").readonly().indexed().labelled("Linked incidents"))
      .add(timestamp("known_error_at").readonly())
      .add(timestamp("resolved_at").readonly().indexed())
      .add(timestamp("closed_at").readonly());
  t.workflow = problem_workflow();
  t.conversation = true;  // analysis notes, files and watchers (docs/tickets.md)
  t.policies = internal_policies();
  return t;
}

Workflow known_error_workflow() {
  Workflow w;
  w.initial = "active";
  w.states = {"active", "retired"};
  w.final_states = {"retired"};
  w.transitions = {{"active", "retired"}};
  w.stamp_on_enter["retired"] = "retired_at";
  return w;
}

RecordType known_error_type() {
  RecordType t{"known_error", "known_errors", "KE", "8.6.3", "Known error", {}, {}};
  t.add(ref("problem", "problem").required().indexed())
      .add(text("title").required().searchable().max_len(500))
      .add(ref("service", "service").indexed())
      .add(text("configuration_item").indexed().max_len(200).labelled("Configuration item"))
      .add(text("symptoms").searchable().multiline())
      .add(text("workaround").required().searchable().multiline())
      .add(timestamp("retired_at").readonly());
  t.workflow = known_error_workflow();
  t.policies = internal_policies();
  return t;
}

}  // namespace ordo
