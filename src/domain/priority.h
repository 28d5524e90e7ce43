// The priority matrix: impact (1 high … 3 low) × urgency (1 high … 3 low) → P1…P4.
// DESIGN.md default: [[P1,P2,P3],[P2,P3,P4],[P3,P4,P4]]. Pure and thread-safe.
//
//   priority_from_matrix(kDefaultPriorityMatrix, 1, 2);  // "P2"
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

namespace ordo {

using PriorityMatrix = std::array<std::array<const char*, 3>, 3>;
inline constexpr PriorityMatrix kDefaultPriorityMatrix{{{"P1", "P2", "P3"},
                                                        {"P2", "P3", "P4"},
                                                        {"P3", "P4", "P4"}}};

// nullopt when impact or urgency is outside 1..3.
std::optional<std::string> priority_from_matrix(const PriorityMatrix& m, std::int64_t impact,
                                                std::int64_t urgency);

// The derivation every ticket type declares for its priority field: the default matrix
// applied to the record's impact and urgency; null when either is missing. (A site's own
// matrix is applied by a hook: src/app/incident_process.cc.)
boost::json::value priority_from_impact_urgency(const boost::json::object& record);

}  // namespace ordo
