#include "domain/registry.h"

#include <cassert>

namespace ordo {

Registry& Registry::add(RecordType t) {
  assert(!by_name(t.name) && !by_plural(t.plural));
  types_.push_back(std::move(t));
  return *this;
}

const RecordType* Registry::by_name(std::string_view name) const {
  for (const auto& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

const RecordType* Registry::by_plural(std::string_view plural) const {
  for (const auto& t : types_)
    if (t.plural == plural) return &t;
  return nullptr;
}

const Registry& default_registry() {
  static const Registry reg = [] {
    Registry r;
    r.add(organisation_type())
        .add(calendar_type())
        .add(service_type())
        .add(catalogue_item_type())
        .add(team_type())
        .add(agreement_type())
        .add(incident_type())
        .add(service_request_type())
        .add(fulfilment_task_type())
        .add(problem_type())
        .add(known_error_type())
        .add(post_incident_review_type())
        .add(knowledge_article_type())
        .add(saved_filter_type());
    return r;
  }();
  return reg;
}

}  // namespace ordo
