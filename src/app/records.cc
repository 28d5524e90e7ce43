// The generic record commands: one implementation for every declared type.
// Each write validates (pure, domain/validation), then in one transaction checks
// references, writes the state and appends the hash-chained event.
#include <boost/json.hpp>

#include "app/app_impl.h"
#include "domain/list_query.h"
#include "domain/validation.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

// Every non-null reference among `fields` must name an existing record of its target.
Result<void> check_refs(SqlConn& c, const Registry& reg, const RecordType& t, const json::object& values,
                        const json::object* only_changed) {
  std::vector<FieldError> errors;
  for (const auto& f : t.fields) {
    if (f.kind != FieldKind::kRef) continue;
    if (only_changed && !only_changed->contains(f.name)) continue;
    const json::value* v = values.if_contains(f.name);
    if (!v || v->is_null()) continue;
    const RecordType* target = reg.by_name(f.ref_target);
    if (!target) return internal_error("field " + f.name + " references unknown type " + f.ref_target);
    ORDO_ASSIGN(bool exists, record_exists(c, *target, v->as_int64()));
    if (!exists) errors.push_back({f.name, "no " + f.ref_target + " with id " + std::to_string(v->as_int64())});
  }
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  return {};
}

Result<std::optional<std::int64_t>> body_version(const json::object& body) {
  const json::value* v = body.if_contains("version");
  if (!v) return std::optional<std::int64_t>{};
  if (!v->is_int64()) return field_error("version", "must be an integer");
  return std::optional<std::int64_t>{v->as_int64()};
}

json::object non_null(const json::object& values) {
  json::object o;
  for (const auto& [k, v] : values)
    if (!v.is_null()) o[k] = v;
  return o;
}

Error gone(const RecordType& t, std::int64_t id) {
  return not_found("no " + t.name + " with id " + std::to_string(id));
}

}  // namespace

Result<json::object> App::create(const Principal& p, const RecordType& t, const json::object& body) {
  ORDO_TRY(require_admin(p));
  Instant now = impl_->clock->now();
  ORDO_ASSIGN(Change ch, validate_create(t, body, now));
  const Registry& reg = *impl_->registry;
  return impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(check_refs(c, reg, t, ch.values, nullptr));
    ORDO_ASSIGN(json::object rec, insert_record(c, t, ch, now, p.user_id));
    json::object data{{"number", rec.at("number")}, {"values", non_null(ch.values)}};
    if (t.workflow) data["status"] = ch.status;
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, rec.at("id").as_int64(), "create", std::move(data)}));
    return rec;
  });
}

Result<json::object> App::get(const Principal& p, const RecordType& t, std::int64_t id) {
  ORDO_TRY(require_admin(p));
  ORDO_ASSIGN(auto rec, impl_->store->read([&](SqlConn& c) { return find_record(c, t, id); }));
  if (!rec) return gone(t, id);
  return std::move(*rec);
}

namespace {

// Shared by patch and transition: load, check the version, let `decide` compute the
// change, write it with its event.
template <class Decide>
Result<json::object> change_record(Store& store, const Registry& reg, const Clock& clock, const Principal& p,
                                   const RecordType& t, std::int64_t id, std::optional<std::int64_t> expected,
                                   const char* action, Decide decide) {
  Instant now = clock.now();
  return store.write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto found, find_record(c, t, id));
    if (!found) return gone(t, id);
    json::object& cur = *found;
    std::int64_t version = cur.at("version").as_int64();
    if (expected && *expected != version)
      return Error{ErrorKind::kPreconditionFailed,
                   "the record is at version " + std::to_string(version) + ", not " + std::to_string(*expected) +
                       ": reload and retry",
                   {}, {}};
    std::string status = t.workflow ? std::string(cur.at("status").as_string()) : std::string();
    ORDO_ASSIGN(Change ch, decide(declared_values(t, cur), status, now));
    bool status_changed = t.workflow && ch.status != status;
    if (ch.changes.empty() && !status_changed) return std::move(cur);  // nothing to do
    ORDO_TRY(check_refs(c, reg, t, ch.values, &ch.changes));
    if (!t.workflow) ch.status.clear();
    ORDO_ASSIGN(json::object rec, update_record(c, t, id, version, ch, now));
    json::object data{{"changes", ch.changes}};
    if (status_changed) {
      data["from"] = status;
      data["to"] = ch.status;
    }
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, action, std::move(data)}));
    return rec;
  });
}

}  // namespace

Result<json::object> App::patch(const Principal& p, const RecordType& t, std::int64_t id,
                                std::optional<std::int64_t> expected, const json::object& body) {
  ORDO_TRY(require_admin(p));
  ORDO_ASSIGN(auto from_body, body_version(body));
  if (!expected) expected = from_body;
  if (!expected)
    return field_error("version", "is required: send If-Match: \"N\" or a \"version\" member with the version you edited");
  return change_record(*impl_->store, *impl_->registry, *impl_->clock, p, t, id, expected, "update",
                       [&](const json::object& cur, const std::string& status, Instant) -> Result<Change> {
                         ORDO_ASSIGN(Change ch, validate_patch(t, cur, body));
                         ch.status = status;
                         return ch;
                       });
}

Result<json::object> App::transition(const Principal& p, const RecordType& t, std::int64_t id,
                                     std::optional<std::int64_t> expected, const json::object& body) {
  ORDO_TRY(require_admin(p));
  if (!t.workflow) return not_found(t.plural + " have no workflow");
  ORDO_ASSIGN(auto from_body, body_version(body));
  if (!expected) expected = from_body;
  return change_record(*impl_->store, *impl_->registry, *impl_->clock, p, t, id, expected, "transition",
                       [&](const json::object& cur, const std::string& status, Instant now) {
                         return validate_transition(t, cur, status, body, now);
                       });
}

Result<json::object> App::list(const Principal& p, const RecordType& t, const QueryParams& params) {
  ORDO_TRY(require_admin(p));
  ORDO_ASSIGN(ListQuery q, parse_list_query(t, params));
  return impl_->store->read([&](SqlConn& c) { return list_records(c, t, q); });
}

Result<json::object> App::history(const Principal& p, const RecordType& t, std::int64_t id) {
  ORDO_TRY(require_admin(p));
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(bool exists, record_exists(c, t, id));
    if (!exists) return gone(t, id);
    ORDO_ASSIGN(auto events, events_for(c, t.name, id));
    json::array items;
    items.reserve(events.size());
    for (const auto& e : events) {
      boost::system::error_code ec;
      json::value data = json::parse(e.data, ec);
      items.push_back(json::object{{"seq", e.seq},
                                   {"at", format_rfc3339(e.at)},
                                   {"actor", e.actor},
                                   {"actor_id", e.actor_id},
                                   {"action", e.action},
                                   {"data", ec ? json::value(nullptr) : std::move(data)},
                                   {"hash", e.hash}});
    }
    return json::object{{"items", std::move(items)}};
  });
}

}  // namespace ordo
