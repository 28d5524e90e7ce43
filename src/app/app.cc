#include "app/app.h"

#include <algorithm>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/hooks.h"
#include "store/schema.h"

namespace ordo {

namespace json = boost::json;

bool Principal::has_role(std::string_view r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

Result<void> require_admin(const Principal& p) {
  if (p.has_role("admin")) return {};
  return Error{ErrorKind::kForbidden, "this action needs the admin role", {}, {}};
}

App::Impl::Impl() : hooks(std::make_unique<HookTable>()) {}
App::Impl::~Impl() = default;

App::~App() {
  if (impl_ && impl_->store) impl_->store->close();
}

Result<std::unique_ptr<App>> App::open(const AppOptions& options) {
  std::unique_ptr<App> app(new App());
  app->impl_ = std::make_unique<Impl>();
  Impl& im = *app->impl_;
  im.options = options;
  im.clock = options.clock ? options.clock : &im.system_clock;
  im.tokens.set_ttl(options.auth_cache_seconds);
  im.registry = &default_registry();
  ORDO_ASSIGN(im.store, Store::open(options.db_url, &im.stats));
  ORDO_ASSIGN(bool exists, im.store->read([](SqlConn& c) { return schema_exists(c); }));
  if (!exists) return invalid("the database has no Ordo schema: run `ordo init` first");
  ORDO_TRY(im.store->write([&](SqlConn& c) { return ensure_schema(c, *im.registry); }));
  im.sla = std::make_unique<SlaEngine>(*im.registry);
  install_process_hooks(*im.hooks, *im.registry, im.options);
  install_sla_escalation(*im.sla, *im.registry);
  im.hooks->use_sla(im.sla.get());
  ORDO_TRY(ensure_builtin_records(*im.store, *im.registry, *im.clock));
  return app;
}

Result<void> init_database(const InitOptions& o) {
  if (o.admin_user.empty() || o.admin_user.size() > 100) return field_error("admin_user", "must be 1 to 100 characters");
  if (o.admin_password.size() < 12) return field_error("admin_password", "must be at least 12 characters");
  ORDO_ASSIGN(auto store, Store::open(o.db_url, nullptr));
  SystemClock sys;
  const Clock& clock = o.clock ? *o.clock : sys;
  ORDO_ASSIGN(std::string hash, hash_password(o.admin_password, o.fast_password_hashing));
  auto r = store->write([&](SqlConn& c) -> Result<bool> {
    ORDO_TRY(ensure_schema(c, default_registry()));
    ORDO_ASSIGN(auto admins, c.query("SELECT username FROM users WHERE roles LIKE '%admin%' LIMIT 1"));
    if (!admins.empty())
      return conflict("the database already has an administrator ('" + std::get<std::string>(admins[0][0]) +
                      "'); init refuses to overwrite it");
    Instant now = clock.now();
    ORDO_ASSIGN(std::int64_t id, insert_user(c, o.admin_user, o.admin_user, hash, "admin", now));
    json::object data{{"username", o.admin_user}, {"roles", json::array{"admin"}}};
    ORDO_TRY(append_event(c, {now, 0, "system", "user", id, "init", std::move(data)}));
    return true;
  });
  store->close();
  if (!r) return r.take_error();
  return {};
}

const Registry& App::registry() const { return *impl_->registry; }
const Clock& App::clock() const { return *impl_->clock; }
StoreStats& App::store_stats() { return impl_->stats; }
Store& App::store() { return *impl_->store; }

Principal App::system_principal() const {
  Principal p;
  p.user_id = 0;
  p.username = "system";
  p.roles = {"admin"};
  return p;
}

void App::close() { impl_->store->close(); }

Result<void> App::health() {
  return impl_->store->read_command([](SqlConn& c) -> Result<void> {
    ORDO_TRY(c.query("SELECT 1"));
    return {};
  });
}

Result<VerifyReport> App::verify_audit_chain(const std::function<void(std::int64_t)>& progress) {
  return impl_->store->read([&](SqlConn& c) { return verify_chain(c, progress); });
}

json::object App::meta() const {
  json::array types;
  for (const auto& t : impl_->registry->types()) {
    json::array fields;
    for (const auto& f : t.fields) {
      json::object fo{{"name", f.name},
                      {"label", f.label},
                      {"kind", std::string(to_string(f.kind))},
                      {"required", f.is_required},
                      {"searchable", f.is_searchable},
                      {"indexed", f.is_indexed},
                      {"readonly", f.is_readonly},
                      {"derived", static_cast<bool>(f.derive)},
                      {"multiline", f.is_multiline}};
      if (!f.choices.empty()) {
        json::array ch;
        for (const auto& c : f.choices) ch.push_back(json::string(c));
        fo["choices"] = std::move(ch);
      }
      if (f.kind == FieldKind::kRef || f.kind == FieldKind::kRefList) {
        fo["ref"] = f.ref_target;
        if (const RecordType* target = impl_->registry->by_name(f.ref_target)) fo["ref_plural"] = target->plural;
      }
      if (f.min) fo["min"] = *f.min;
      if (f.max) fo["max"] = *f.max;
      if (f.kind == FieldKind::kText) fo["max_length"] = f.max_length;
      if (!f.default_json.empty()) fo["default"] = json::parse(f.default_json);
      if (f.is_internal) fo["internal"] = true;
      fields.push_back(std::move(fo));
    }
    json::object to{{"name", t.name},   {"plural", t.plural}, {"prefix", t.prefix},
                    {"clause", t.clause}, {"label", t.label},  {"fields", std::move(fields)}};
    if (t.workflow) {
      const Workflow& w = *t.workflow;
      json::array states, finals, trans;
      for (const auto& s : w.states) states.push_back(json::string(s));
      for (const auto& s : w.final_states) finals.push_back(json::string(s));
      for (const auto& [from, toState] : w.transitions) trans.push_back(json::object{{"from", from}, {"to", toState}});
      json::object req;
      for (const auto& [s, names] : w.required_on_enter) {
        json::array a;
        for (const auto& n : names) a.push_back(json::string(n));
        req[s] = std::move(a);
      }
      to["workflow"] = json::object{{"initial", w.initial},
                                    {"states", std::move(states)},
                                    {"final_states", std::move(finals)},
                                    {"transitions", std::move(trans)},
                                    {"required_on_enter", std::move(req)}};
    } else {
      to["workflow"] = nullptr;
    }
    types.push_back(std::move(to));
  }
  return json::object{{"api_version", "v1"}, {"types", std::move(types)}};
}

}  // namespace ordo
