#include "app/demo.h"

#include <boost/json.hpp>

namespace ordo {

namespace json = boost::json;

Result<int> load_demo_data(App& app) {
  const Registry& reg = app.registry();
  const RecordType& org = *reg.by_name("organisation");
  const RecordType& svc = *reg.by_name("service");
  const RecordType& inc = *reg.by_name("incident");
  Principal sys = app.system_principal();
  int n = 0;
  auto make = [&](const RecordType& t, json::object body) -> Result<std::int64_t> {
    ORDO_ASSIGN(auto rec, app.create(sys, t, body));
    ++n;
    return rec.at("id").as_int64();
  };
  ORDO_TRY(make(org, {{"name", "Ordo Service Provider"}, {"kind", "provider"}}));
  ORDO_ASSIGN(auto acme, make(org, {{"name", "Acme Corporation"}, {"kind", "customer"}}));
  ORDO_ASSIGN(auto globex, make(org, {{"name", "Globex Ltd"}, {"kind", "customer"}}));
  ORDO_ASSIGN(auto email, make(svc, {{"name", "Email"}, {"lifecycle", "live"}, {"owner", "Messaging team"},
                                     {"description", "Mailboxes, calendars and distribution lists"}}));
  ORDO_ASSIGN(auto erp, make(svc, {{"name", "ERP"}, {"lifecycle", "live"}, {"owner", "Business applications"}}));
  ORDO_ASSIGN(auto vpn, make(svc, {{"name", "Remote access VPN"}, {"lifecycle", "live"}, {"owner", "Network team"}}));
  struct Demo {
    const char* title;
    std::int64_t service, customer, impact, urgency;
    const char* path;  // comma-separated statuses to walk through
  };
  const Demo demos[] = {
      {"Outlook cannot connect to the mail server", email, acme, 1, 1, "in_progress"},
      {"Shared mailbox missing for finance", email, acme, 3, 2, ""},
      {"ERP invoice run fails with timeout", erp, globex, 2, 1, "in_progress,pending_supplier"},
      {"VPN drops every 10 minutes", vpn, globex, 2, 2, "in_progress,resolved"},
      {"Printer queue stuck on floor 3", erp, acme, 3, 3, "in_progress,resolved,closed"},
      {"Calendar invites arrive late", email, globex, 3, 2, "in_progress,pending_customer"},
      {"Cannot log in to ERP after password change", erp, acme, 2, 2, "cancelled"},
      {"VPN client certificate expired", vpn, acme, 2, 1, ""},
  };
  for (const auto& d : demos) {
    ORDO_ASSIGN(auto id, make(inc, {{"title", d.title}, {"service", d.service}, {"customer", d.customer},
                                    {"impact", d.impact}, {"urgency", d.urgency},
                                    {"description", std::string("Reported by phone: ") + d.title}}));
    std::string path = d.path;
    std::size_t start = 0;
    while (start < path.size()) {
      auto comma = path.find(',', start);
      if (comma == std::string::npos) comma = path.size();
      json::object body{{"to", path.substr(start, comma - start)}};
      if (body["to"] == "resolved") {
        body["resolution_code"] = "fixed";
        body["resolution_note"] = "Fixed and confirmed with the caller.";
      }
      ORDO_TRY(app.transition(sys, inc, id, std::nullopt, body));
      start = comma + 1;
    }
  }
  return n;
}

}  // namespace ordo
