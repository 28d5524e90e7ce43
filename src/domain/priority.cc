#include "domain/priority.h"

namespace ordo {

std::optional<std::string> priority_from_matrix(const PriorityMatrix& m, std::int64_t impact,
                                                std::int64_t urgency) {
  if (impact < 1 || impact > 3 || urgency < 1 || urgency > 3) return std::nullopt;
  return std::string(m[static_cast<std::size_t>(impact - 1)][static_cast<std::size_t>(urgency - 1)]);
}

}  // namespace ordo
