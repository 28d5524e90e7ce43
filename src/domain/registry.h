// Registry: every record type the system knows, looked up by name or by plural (the API
// path segment). Built once at start-up (default_registry()) and read-only afterwards, so
// it is shared between threads without locking.
//
//   const Registry& reg = default_registry();
//   const RecordType* t = reg.by_plural("incidents");
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/record_type.h"

namespace ordo {

class Registry {
 public:
  Registry& add(RecordType t);
  const RecordType* by_name(std::string_view name) const;
  const RecordType* by_plural(std::string_view plural) const;
  const std::vector<RecordType>& types() const { return types_; }

 private:
  std::vector<RecordType> types_;
};

// The built-in types: organisation, service, team, incident.
const Registry& default_registry();

// Declarations, one per process module.
RecordType organisation_type();
RecordType service_type();
RecordType team_type();
RecordType incident_type();
RecordType post_incident_review_type();
RecordType knowledge_article_type();  // knowledge.cc (7.6)
RecordType service_request_type();
RecordType fulfilment_task_type();
RecordType problem_type();      // problem.cc (8.6.3)
RecordType known_error_type();
RecordType saved_filter_type();
// A saved filter's query string as list parameters, with @me and @my_teams expanded.
std::vector<std::pair<std::string, std::string>> saved_query_params(std::string_view query, std::int64_t me,
                                                                    const std::vector<std::int64_t>& my_teams);
RecordType calendar_type();
RecordType agreement_type();
RecordType catalogue_item_type();
Workflow service_workflow();
Workflow incident_workflow();
Workflow knowledge_workflow();
Workflow service_request_workflow();
Workflow fulfilment_task_workflow();
Workflow problem_workflow();
Workflow known_error_workflow();

}  // namespace ordo
