#include "domain/access.h"

#include <algorithm>

#include "domain/record_type.h"

namespace ordo {

bool is_known_role(std::string_view role) {
  if (role.rfind("process_manager:", 0) == 0) return role.size() > 16;
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

namespace {

bool permits(const Policy& p, Op op, std::string_view to) {
  switch (op) {
    case Op::kRead: return p.read;
    case Op::kCreate: return p.create;
    case Op::kUpdate: return p.update;
    case Op::kTransition:
      return std::any_of(p.transitions.begin(), p.transitions.end(),
                         [&](const std::string& s) { return s == "*" || s == to; });
  }
  return false;
}

}  // namespace

Decision decide(const RecordType& t, const std::vector<std::string>& roles, Op op, std::string_view to) {
  Decision best;
  auto consider = [&](const Policy& p) {
    if (!permits(p, op, to)) return;
    Decision d{true, p.own_org_only, p.public_fields_only};
    // Prefer the least restricted grant.
    if (!best.allowed || (best.own_org_only && !d.own_org_only) ||
        (best.own_org_only == d.own_org_only && best.public_fields_only && !d.public_fields_only))
      best = d;
  };
  for (const auto& role : roles) {
    if (role == "admin") return Decision{true, false, false};
    std::string_view effective = role;
    if (role.rfind("process_manager:", 0) == 0) {
      if (std::string_view(role).substr(16) != t.name) continue;
      effective = "process_manager";
    }
    for (const auto& p : t.policies)
      if (p.role == effective) consider(p);
  }
  return best;
}

std::vector<Policy> reference_data_policies() {
  std::vector<std::string> all{"*"};
  return {
      Policy{"process_manager", true, true, true, all, false, false},
      Policy{"agent", true, false, false, {}, false, false},
      Policy{"auditor", true, false, false, {}, false, false},
      Policy{"requester", true, false, false, {}, true, true},
  };
}

std::vector<Policy> process_record_policies(bool requester_may_create) {
  std::vector<std::string> all{"*"};
  return {
      Policy{"process_manager", true, true, true, all, false, false},
      Policy{"agent", true, true, true, all, false, false},
      Policy{"auditor", true, false, false, {}, false, false},
      Policy{"requester", true, requester_may_create, false, {}, true, true},
  };
}

}  // namespace ordo
