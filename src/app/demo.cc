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
  // Business hours for the office-hours agreements: Berlin, Mon–Fri 08:00–18:00, public holidays.
  const RecordType& cal = *reg.by_name("calendar");
  json::object week;
  for (const char* d : {"mon", "tue", "wed", "thu", "fri"}) week[d] = json::array{json::array{"08:00", "18:00"}};
  ORDO_ASSIGN(auto office, make(cal, {{"name", "Office hours Berlin"}, {"timezone", "Europe/Berlin"},
                                      {"hours", week},
                                      {"holidays", json::array{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01",
                                                               "2026-05-14", "2026-05-25", "2026-10-03", "2026-12-25",
                                                               "2026-12-26", "2027-01-01"}}}));
  auto live = [&](json::object body) -> Result<std::int64_t> {
    ORDO_ASSIGN(auto id, make(svc, std::move(body)));
    ORDO_TRY(app.transition(sys, svc, id, std::nullopt, json::object{{"to", "live"}}));
    return id;
  };
  ORDO_ASSIGN(auto email, live({{"name", "Email"}, {"owner", "Messaging team"}, {"customers", json::array{acme, globex}},
                                {"hours", office}, {"description", "Mailboxes, calendars and distribution lists"}}));
  ORDO_ASSIGN(auto erp, live({{"name", "ERP"}, {"owner", "Business applications"}, {"customers", json::array{globex}},
                              {"hours", office}, {"depends_on", json::array{email}}}));
  ORDO_ASSIGN(auto vpn, live({{"name", "Remote access VPN"}, {"owner", "Network team"},
                              {"customers", json::array{acme, globex}}}));
  // Agreements: Acme's gold SLA on Email in office hours; every customer's 24x7 SLA on the VPN.
  const RecordType& agr = *reg.by_name("agreement");
  auto targets = [](std::int64_t r1, std::int64_t s1, std::int64_t r2, std::int64_t s2, std::int64_t r3, std::int64_t s3,
                    std::int64_t r4, std::int64_t s4) {
    return json::object{{"P1", {{"response", r1}, {"resolution", s1}}}, {"P2", {{"response", r2}, {"resolution", s2}}},
                        {"P3", {{"response", r3}, {"resolution", s3}}}, {"P4", {{"response", r4}, {"resolution", s4}}}};
  };
  const std::int64_t h = 3600;
  ORDO_TRY(make(agr, {{"name", "Acme Email Gold"}, {"kind", "sla"}, {"service", email}, {"customer", acme},
                      {"calendar", office}, {"targets", targets(900, 4 * h, 1800, 8 * h, 4 * h, 30 * h, 8 * h, 50 * h)}}));
  ORDO_TRY(make(agr, {{"name", "Email Standard"}, {"kind", "sla"}, {"service", email}, {"calendar", office},
                      {"targets", targets(1800, 8 * h, h, 16 * h, 8 * h, 40 * h, 16 * h, 80 * h)}}));
  ORDO_TRY(make(agr, {{"name", "VPN 24x7"}, {"kind", "sla"}, {"service", vpn},
                      {"targets", targets(900, 4 * h, 1800, 8 * h, 2 * h, 24 * h, 4 * h, 72 * h)}}));
  ORDO_TRY(make(agr, {{"name", "ERP Standard"}, {"kind", "sla"}, {"service", erp}, {"calendar", office},
                      {"targets", targets(1800, 8 * h, h, 16 * h, 8 * h, 40 * h, 16 * h, 80 * h)}}));
  const RecordType& item = *reg.by_name("catalogue_item");
  ORDO_TRY(make(item, {{"service", email}, {"name", "New mailbox"}, {"approval_required", true},
                       {"description", "A personal mailbox for a new colleague."}}));
  ORDO_TRY(make(item, {{"service", email}, {"name", "Access to a shared mailbox"},
                       {"description", "Read or send-as rights on an existing shared mailbox."}}));
  ORDO_TRY(make(item, {{"service", vpn}, {"name", "VPN access"}, {"approval_required", true},
                       {"description", "Remote access for a user, with a client certificate."}}));
  ORDO_TRY(make(item, {{"service", erp}, {"name", "ERP role change"}, {"approval_required", true},
                       {"description", "Add or remove an ERP authorisation role."}}));
  // Knowledge (7.6): one article for customers, one for the desk, both published.
  const RecordType& kb = *reg.by_name("knowledge_article");
  const std::string review_by = format_rfc3339(app.clock().now() + 180 * 86400);
  auto article = [&](json::object body) -> Result<std::int64_t> {
    ORDO_ASSIGN(auto id, make(kb, std::move(body)));
    ORDO_TRY(app.transition(sys, kb, id, std::nullopt, json::object{{"to", "in_review"}}));
    ORDO_TRY(app.transition(sys, kb, id, std::nullopt, json::object{{"to", "published"}, {"review_by", review_by}}));
    return id;
  };
  ORDO_ASSIGN(auto vpn_kb, article({{"title", "The VPN disconnects every few minutes"}, {"audience", "customers"},
                                    {"summary", "Lower the MTU of the VPN adapter to 1400."},
                                    {"keywords", "vpn anyconnect mtu disconnect drops"}, {"services", json::array{vpn}},
                                    {"body", "Some home routers drop large packets inside the tunnel.\n\n"
                                             "1. Open **VPN settings → Adapter**.\n2. Set the MTU:\n\n"
                                             "| Setting | Value |\n|---|---|\n| MTU | 1400 |\n\n"
                                             "3. Reconnect. If it still drops, report an incident on *Remote access VPN*.\n"}}));
  ORDO_TRY(article({{"title", "Restarting the mail connector"}, {"services", json::array{email}},
                    {"summary", "When Outlook cannot connect: check and restart the connector service."},
                    {"keywords", "outlook exchange connector restart"},
                    {"body", "- [ ] Check the connector's queue length on the mail gateway\n"
                             "- [ ] `systemctl restart mail-connector` on both nodes\n"
                             "- [ ] Confirm with the caller that Outlook reconnects\n"}}));
  struct Demo {
    const char* title;
    std::int64_t service, customer, impact, urgency;
    const char* path;  // comma-separated statuses to walk through
    std::int64_t article = 0;  // the knowledge article it is resolved with
  };
  const Demo demos[] = {
      {"Outlook cannot connect to the mail server", email, acme, 1, 1, "in_progress"},
      {"Shared mailbox missing for finance", email, acme, 3, 2, ""},
      {"ERP invoice run fails with timeout", erp, globex, 2, 1, "in_progress,pending_supplier"},
      {"VPN drops every 10 minutes", vpn, globex, 2, 2, "in_progress,resolved", vpn_kb},
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
        if (d.article) body["knowledge_article"] = d.article;
      }
      ORDO_TRY(app.transition(sys, inc, id, std::nullopt, body));
      start = comma + 1;
    }
  }
  return n;
}

}  // namespace ordo
