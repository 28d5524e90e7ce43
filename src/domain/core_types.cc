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

RecordType service_type() {
  RecordType t{"service", "services", "SVC", "8.2.4", "Service", {}, {}};
  t.add(text("name").required().searchable().indexed().max_len(200))
      .add(text("description").searchable().multiline())
      .add(choice("lifecycle", {"pipeline", "live", "retired"}).required().indexed())
      .add(text("owner").max_len(200));
  t.policies = reference_data_policies();
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
