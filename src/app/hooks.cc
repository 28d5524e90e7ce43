#include "app/hooks.h"

namespace ordo {

Result<void> HookTable::run_before(WriteContext& ctx, Change& ch) const {
  ctx.sla = sla_;
  ctx.hooks = this;
  auto it = before_.find(ctx.type.name);
  if (it == before_.end()) return {};
  for (const auto& fn : it->second) ORDO_TRY(fn(ctx, ch));
  return {};
}

Result<void> HookTable::run_after(WriteContext& ctx, const Change& ch, boost::json::object& after) const {
  ctx.sla = sla_;
  ctx.hooks = this;
  auto it = after_.find(ctx.type.name);
  if (it == after_.end()) return {};
  for (const auto& fn : it->second) ORDO_TRY(fn(ctx, ch, after));
  return {};
}

void install_process_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options) {
  install_incident_hooks(hooks, reg, options);
  install_notification_hooks(hooks, reg, options);
  install_knowledge_hooks(hooks, reg, options);
  install_problem_hooks(hooks, reg, options);
  install_service_request_hooks(hooks, reg, options);
  install_service_desk_hooks(hooks, reg, options);
}

}  // namespace ordo
