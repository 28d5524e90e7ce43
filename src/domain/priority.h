// The priority matrix: impact (1 high … 3 low) × urgency (1 high … 3 low) → P1…P4.
// DESIGN.md default: [[P1,P2,P3],[P2,P3,P4],[P3,P4,P4]]. Pure and thread-safe.
//
//   priority_from_matrix(kDefaultPriorityMatrix, 1, 2);  // "P2"
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace ordo {

using PriorityMatrix = std::array<std::array<const char*, 3>, 3>;
inline constexpr PriorityMatrix kDefaultPriorityMatrix{{{"P1", "P2", "P3"},
                                                        {"P2", "P3", "P4"},
                                                        {"P3", "P4", "P4"}}};

// nullopt when impact or urgency is outside 1..3.
std::optional<std::string> priority_from_matrix(const PriorityMatrix& m, std::int64_t impact,
                                                std::int64_t urgency);

}  // namespace ordo
