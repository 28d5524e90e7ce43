// Organisations and services: the reference data every ticket points at.
#include "domain/registry.h"

namespace ordo {

RecordType organisation_type() {
  RecordType t{"organisation", "organisations", "ORG", "4.3", "Organisation", {}, {}};
  t.add(text("name").required().searchable().indexed().max_len(200))
      .add(choice("kind", {"provider", "customer", "supplier"}).required().indexed())
      .add(text("description").searchable().multiline());
  t.policies = reference_data_policies();  // a requester reads only their own organisation
  t.tenant_is_self = true;
  return t;
}

// The service lifecycle: pipeline -> live -> retired (and back to live), as its status.
Workflow service_workflow() {
  Workflow w;
  w.initial = "pipeline";
  w.states = {"pipeline", "live", "retired"};
  w.transitions = {{"pipeline", "live"}, {"pipeline", "retired"}, {"live", "retired"}, {"retired", "live"}};
  return w;
}

// A catalogue entry (8.2.4): who it serves, what it depends on, when it is provided.
// Requesters do not read services through the generic routes: they browse the services
// offered to their organisation in GET /api/v1/catalogue.
RecordType service_type() {
  RecordType t{"service", "services", "SVC", "8.2.4", "Service", {}, {}};
  t.add(text("name").required().searchable().indexed().max_len(200))
      .add(text("description").searchable().multiline())
      .add(text("owner").max_len(200))
      .add(ref_list("customers", "organisation").labelled("Customers served"))
      .add(ref_list("depends_on", "service").labelled("Depends on"))
      .add(ref("hours", "calendar").labelled("Hours of service"));
  t.workflow = service_workflow();
  t.policies = reference_data_policies();
  for (auto& p : t.policies)
    if (p.role == "requester") p.read = false;
  return t;
}

// Teams (assignment groups) and who leads them (ISO/IEC 20000-1 5.3 roles and authorities).
RecordType team_type() {
  RecordType t{"team", "teams", "TEAM", "5.3", "Team", {}, {}};
  t.add(text("name").required().searchable().indexed().max_len(200))
      .add(text("description").searchable().multiline())
      .add(ref("manager", "user").indexed())
      .add(ref_list("members", "user"));
  t.policies = reference_data_policies();
  for (auto& p : t.policies)
    if (p.role == "requester") p.read = false;  // teams are internal to the provider
  return t;
}

}  // namespace ordo
