// Service level use cases behind the API: a ticket's SLA clock, the due-queue runner, the
// built-in 24x7 calendar, and the customer's view of the service catalogue.
#include <algorithm>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "domain/access.h"
#include "domain/list_query.h"
#include "store/event_log.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

// Every page of a list query (reference data only: services, catalogue items).
Result<std::vector<json::object>> all_pages(SqlConn& c, const RecordType& t, ListQuery q) {
  std::vector<json::object> out;
  q.limit = kMaxListLimit;
  for (;;) {
    ORDO_ASSIGN(json::object page, list_records(c, t, q));
    for (auto& v : page.at("items").as_array()) out.push_back(std::move(v.as_object()));
    const json::value& next = page.at("next_cursor");
    if (!next.is_string()) break;
    q.cursor = decode_cursor(next.as_string());
    if (!q.cursor) break;
  }
  return out;
}

bool contains_id(const json::value& list, std::int64_t id) {
  if (!list.is_array()) return false;
  for (const auto& v : list.as_array())
    if (v.is_int64() && v.as_int64() == id) return true;
  return false;
}

}  // namespace

// "24x7" is a calendar like any other, so agreements and the UI can name it. Created once
// (by whichever node opens the database first); an agreement without a calendar also runs
// on 24x7.
Result<void> ensure_builtin_records(Store& store, const Registry& reg, const Clock& clock) {
  const RecordType& cal = *reg.by_name("calendar");
  return store.write([&](SqlConn& c) -> Result<void> {
    ORDO_ASSIGN(auto rows, c.query("SELECT 1 FROM calendars WHERE name = '24x7' LIMIT 1"));
    if (!rows.empty()) return {};
    json::object hours;
    for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) hours[d] = json::array{json::array{"00:00", "24:00"}};
    json::object body{{"name", "24x7"}, {"timezone", "UTC"}, {"hours", std::move(hours)},
                      {"description", "Always working: every hour of every day, no holidays (built in)."}};
    Instant now = clock.now();
    ORDO_ASSIGN(Change ch, validate_create(cal, body, now));
    ORDO_ASSIGN(json::object r, insert_record(c, cal, ch, now, 0));
    json::object data{{"number", r.at("number")}, {"values", body}};
    ORDO_TRY(append_event(c, {now, 0, "system", cal.name, r.at("id").as_int64(), "create", std::move(data)}));
    return {};
  });
}

Result<json::object> App::sla(const Principal& p, const RecordType& t, std::int64_t id) {
  if (t.sla_resolved_state.empty()) return not_found(t.plural + " have no SLA clock");
  // Visibility and read permission; what the clock reads (service, customer, reported_at,
  // priority) is never internal, so the caller's view of the record serves.
  ORDO_ASSIGN(json::object rec, get(p, t, id));
  Instant now = impl_->clock->now();
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto history, SlaEngine::load_history(c, t, id));
    ORDO_ASSIGN(SlaEvaluation ev, impl_->sla->evaluate(c, t, rec, history, now, /*with_segments=*/true));
    const json::value& pr = rec.at("priority");
    json::object out = sla_json(ev, pr.is_string() ? std::string(pr.as_string()) : std::string());
    out["record"] = json::object{{"id", id}, {"number", rec.at("number")}, {"status", rec.at("status")}};
    return out;
  });
}

Result<std::int64_t> App::run_sla_timers(std::int64_t limit) {
  Instant now = impl_->clock->now();
  return impl_->store->write([&](SqlConn& c) { return impl_->sla->run_due(c, now, limit); });
}

Result<json::object> App::catalogue(const Principal& p, const QueryParams& params) {
  const RecordType& svc = *impl_->registry->by_name("service");
  const RecordType& item = *impl_->registry->by_name("catalogue_item");
  const bool requester = !is_staff(p);
  std::optional<std::int64_t> customer;
  for (const auto& [k, v] : params) {
    if (k != "customer") return field_error(k, "unknown parameter (the catalogue takes customer=ID)");
    customer = parse_int64(v);
    if (!customer || *customer <= 0) return field_error("customer", "must be an organisation id");
  }
  if (requester) {
    if (!p.organisation) return Error{ErrorKind::kForbidden, "you belong to no organisation, so no catalogue is offered to you", {}, {}};
    if (customer && *customer != *p.organisation)
      return Error{ErrorKind::kForbidden, "you may browse only your own organisation's catalogue", {}, {}};
    customer = p.organisation;
  }
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ListQuery sq;
    sq.filters.push_back(Filter{"status", FilterOp::kEq, {std::string("live")}});
    sq.sort_column = "name";
    sq.sort_is_text = true;
    sq.descending = false;
    ORDO_ASSIGN(auto services, all_pages(c, svc, sq));
    // The services table is the catalogue: small and bounded, so offering is checked here
    // rather than through an index on the customers list.
    std::vector<json::object> offered;
    for (auto& s : services)
      if (!customer || contains_id(s.at("customers"), *customer)) offered.push_back(std::move(s));
    json::array out;
    if (offered.empty()) return json::object{{"customer", customer ? json::value(*customer) : json::value(nullptr)}, {"services", std::move(out)}};
    ListQuery iq;
    iq.filters.push_back(Filter{"active", FilterOp::kEq, {std::int64_t{1}}});
    Filter in{"service", FilterOp::kIn, {}};
    for (const auto& s : offered) in.values.push_back(s.at("id").as_int64());
    iq.filters.push_back(std::move(in));
    iq.sort_column = "name";
    iq.sort_is_text = true;
    iq.descending = false;
    ORDO_ASSIGN(auto items, all_pages(c, item, iq));
    for (auto& s : offered) {
      json::array its;
      for (const auto& i : items) {
        if (i.at("service").as_int64() != s.at("id").as_int64()) continue;
        json::object io = i;
        if (requester)
          for (const auto& f : item.fields)
            if (f.is_internal) io.erase(f.name);
        its.push_back(std::move(io));
      }
      json::object so{{"id", s.at("id")},           {"number", s.at("number")}, {"name", s.at("name")},
                      {"description", s.at("description")}, {"hours", s.at("hours")},
                      {"items", std::move(its)}};
      if (!requester) so["customers"] = s.at("customers");
      out.push_back(std::move(so));
    }
    return json::object{{"customer", customer ? json::value(*customer) : json::value(nullptr)}, {"services", std::move(out)}};
  });
}

}  // namespace ordo
