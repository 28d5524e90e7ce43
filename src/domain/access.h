// Access control declared with the record types (issue: access control).
//
// Roles: admin (everything), process_manager (everything on process records; a role
// "process_manager:<type>" limits it to one type), agent (works tickets; reads reference
// data), auditor (reads everything including history, changes nothing), requester (portal
// user: only their organisation's records, only public fields).
//
// Each RecordType carries a Policy per role: which operations the role may perform and
// whether it is limited to its own organisation and to public fields. decide() is the one
// function every command asks. Pure and thread-safe.
//
//   Access a = decide(incident_type(), principal_roles, Op::kCreate);
//   if (!a.allowed) return forbidden;   if (a.own_org_only) force customer = principal.org;
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ordo {

struct RecordType;

enum class Op { kRead, kCreate, kUpdate, kTransition };

inline constexpr const char* kRoles[] = {"admin", "process_manager", "agent", "auditor", "requester"};
bool is_known_role(std::string_view role);  // also accepts process_manager:<type name>

// What one role may do with one record type.
struct Policy {
  std::string role;
  bool read = false;
  bool create = false;
  bool update = false;
  std::vector<std::string> transitions;  // target states it may move to; {"*"} = all
  bool own_org_only = false;             // reads and writes limited to the principal's organisation
  bool public_fields_only = false;       // sees and writes only fields not marked internal
};

// The combined answer for a principal holding several roles: the most permissive policy
// that allows the operation wins.
struct Decision {
  bool allowed = false;
  bool own_org_only = false;
  bool public_fields_only = false;
};

Decision decide(const RecordType& t, const std::vector<std::string>& roles, Op op,
                std::string_view transition_to = {});

// Standard policy sets used by the declarations.
std::vector<Policy> reference_data_policies();  // organisation, service, team: staff read, admins/PMs write
std::vector<Policy> process_record_policies(bool requester_may_create);  // incident, …

}  // namespace ordo
