// Organisations and services: the reference data every ticket points at.
#include "domain/registry.h"

namespace ordo {

RecordType organisation_type() {
  RecordType t{"organisation", "organisations", "ORG", "4.3", "Organisation", {}, {}};
  t.add(text("name").required().searchable().indexed().max_len(200))
      .add(choice("kind", {"provider", "customer", "supplier"}).required().indexed())
      .add(text("description").searchable().multiline());
  return t;
}

RecordType service_type() {
  RecordType t{"service", "services", "SVC", "8.2.4", "Service", {}, {}};
  t.add(text("name").required().searchable().indexed().max_len(200))
      .add(text("description").searchable().multiline())
      .add(choice("lifecycle", {"pipeline", "live", "retired"}).required().indexed())
      .add(text("owner").max_len(200));
  return t;
}

}  // namespace ordo
