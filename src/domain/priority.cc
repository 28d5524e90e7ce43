#include "domain/priority.h"

#include <boost/json.hpp>

namespace ordo {

std::optional<std::string> priority_from_matrix(const PriorityMatrix& m, std::int64_t impact,
                                                std::int64_t urgency) {
  if (impact < 1 || impact > 3 || urgency < 1 || urgency > 3) return std::nullopt;
  return std::string(m[static_cast<std::size_t>(impact - 1)][static_cast<std::size_t>(urgency - 1)]);
}

boost::json::value priority_from_impact_urgency(const boost::json::object& r) {
  const auto* i = r.if_contains("impact");
  const auto* u = r.if_contains("urgency");
  if (!i || !u || !i->is_int64() || !u->is_int64()) return nullptr;
  auto p = priority_from_matrix(kDefaultPriorityMatrix, i->as_int64(), u->as_int64());
  return p ? boost::json::value(*p) : boost::json::value(nullptr);
}

}  // namespace ordo
