// The outside-in isolation suite: for every route of the route table × every role × an
// own and a foreign organisation, the HTTP answer is the one the declared rules allow —
// 404 for records the caller may not know exist, 403 for forbidden actions on visible
// ones. Expectations are derived from each route's Rule and each record type's policies
// (domain/access.h), not listed by hand; a route without a rule fails the suite.
#include <map>

#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "app/notifications.h"
#include "store/store.h"
#include "test_db.h"
#include "domain/access.h"
#include "http/router.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

constexpr const char* kPassword = "isolation-test-password";
const std::vector<std::string> kTestRoles{"admin", "process_manager", "agent", "auditor", "requester"};

class Isolation : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    create("organisations", R"({"name":"Provider","kind":"provider"})");
    own_org_ = create("organisations", R"({"name":"Own Co","kind":"customer"})").at("id").as_int64();
    foreign_org_ = create("organisations", R"({"name":"Foreign Co","kind":"customer"})").at("id").as_int64();
    Principal sys = app().system_principal();
    for (const auto& role : kTestRoles) {
      json::object body{{"username", "u_" + role}, {"password", kPassword}, {"roles", json::array{json::string(role)}}};
      if (role == "requester") body["organisation"] = own_org_;
      auto u = app().create_user(sys, body);
      ASSERT_TRUE(u) << u.error().message;
      user_ids_[role] = u->at("id").as_int64();
      auto s = app().login("u_" + role, kPassword, "test");
      ASSERT_TRUE(s) << s.error().message;
      auto p = app().authenticate_session(s->token);
      ASSERT_TRUE(p);
      auto tok = app().create_token(*p, json::object{{"name", "iso"}});
      ASSERT_TRUE(tok);
      tokens_[role] = std::string(tok->at("token").as_string());
      token_ids_[role] = tok->at("id").as_int64();
    }
    {  // A bystander's token: someone else's token for every role (admins revoke it).
      auto u = app().create_user(sys, json::object{{"username", "bystander"}, {"password", kPassword}, {"roles", json::array{"agent"}}});
      ASSERT_TRUE(u);
      bystander_id_ = u->at("id").as_int64();
      auto s = app().login("bystander", kPassword, "test");
      auto p = app().authenticate_session(s->token);
      bystander_token_ = app().create_token(*p, json::object{{"name", "other"}})->at("id").as_int64();
    }
    // One own and one foreign record of every type (types without a tenant: the same one).
    std::int64_t svc = create("services", json::serialize(json::object{{"name", "Mail"}, {"customers", json::array{own_org_, foreign_org_}}}))
                           .at("id").as_int64();
    EXPECT_EQ(client().post("/api/v1/services/" + std::to_string(svc) + "/transitions", R"({"to":"live"})").status, 200);
    std::int64_t team = create("teams", json::serialize(json::object{
                                            {"name", "Desk"}, {"members", json::array{user_ids_["agent"]}}}))
                            .at("id").as_int64();
    svc_ = svc;
    records_["organisations"] = {own_org_, foreign_org_};
    records_["services"] = {svc, svc};
    records_["teams"] = {team, team};
    std::int64_t cal = create("calendars", create_body("calendars")).at("id").as_int64();
    records_["calendars"] = {cal, cal};
    std::int64_t item = create("catalogue_items", create_body("catalogue_items")).at("id").as_int64();
    records_["catalogue_items"] = {item, item};
    // Service requests from an item offered to both organisations (no approval: they are
    // being fulfilled), and a fulfilment task of the own one.
    offered_item_ = create("catalogue_items", json::serialize(json::object{{"name", "Mailbox"}, {"service", svc}, {"fulfilment_group", team}}))
                        .at("id").as_int64();
    auto request = [&](std::int64_t org) {
      return create("service_requests", json::serialize(json::object{{"catalogue_item", offered_item_}, {"customer", org}}))
          .at("id").as_int64();
    };
    records_["service_requests"] = {request(own_org_), request(foreign_org_)};
    std::int64_t task = create("fulfilment_tasks", create_body("fulfilment_tasks")).at("id").as_int64();
    records_["fulfilment_tasks"] = {task, task};
    auto agreement = [&](std::int64_t org) {
      json::object b = json::parse(create_body("agreements")).as_object();
      b["customer"] = org;
      return create("agreements", json::serialize(b)).at("id").as_int64();
    };
    records_["agreements"] = {agreement(own_org_), agreement(foreign_org_)};
    auto incident = [&](std::int64_t org) {
      return create("incidents", json::serialize(json::object{{"title", "Printer"}, {"impact", 2}, {"urgency", 2},
                                                              {"customer", org}, {"service", svc},
                                                              {"assignment_group", team}}))
          .at("id").as_int64();
    };
    records_["incidents"] = {incident(own_org_), incident(foreign_org_)};
    // The conversation routes get tickets of their own (the transition route cancels the
    // others): each with a public reply, an internal note carrying a file, and a public file.
    tickets_["incidents"] = {incident(own_org_), incident(foreign_org_)};
    auto file = [&](std::int64_t ticket, const std::string& query) {
      auto r = client().request("POST", "/api/v1/incidents/" + std::to_string(ticket) + "/attachments?filename=f.txt" + query,
                                "file contents", {{"Content-Type", "text/plain"}});
      EXPECT_EQ(r.status, 201) << r.body;
      return r.json().at("id").as_int64();
    };
    for (bool own : {true, false}) {
      std::int64_t ticket = own ? tickets_["incidents"].first : tickets_["incidents"].second;
      client().post("/api/v1/incidents/" + std::to_string(ticket) + "/comments", R"({"body":"public"})");
      auto note = client().post("/api/v1/incidents/" + std::to_string(ticket) + "/comments",
                                R"({"body":"internal","internal":true})");
      std::string on_note = "&comment=" + std::to_string(note.json().at("id").as_int64());
      attachments_.push_back({file(ticket, ""), own, false});
      attachments_.push_back({file(ticket, on_note), own, true});
    }
    // A notification for every test user and one for the bystander (kOwnItem routes).
    for (const auto& role : kTestRoles) notifications_[role] = notification_for(user_ids_[role]);
    bystander_notification_ = notification_for(bystander_id_);
    std::int64_t article = create("knowledge_articles", create_body("knowledge_articles")).at("id").as_int64();
    records_["knowledge_articles"] = {article, article};
    // Problems are internal (no organisation): one record serves as own and foreign. The
    // routes that link incidents get a problem and an incident of their own (the transition
    // route cancels the records_ ones), and DELETE finds that incident linked each time.
    std::int64_t problem = create("problems", create_body("problems")).at("id").as_int64();
    records_["problems"] = {problem, problem};
    std::int64_t known_error = create("known_errors", create_body("known_errors")).at("id").as_int64();
    records_["known_errors"] = {known_error, known_error};
    linking_problem_ = create("problems", create_body("problems")).at("id").as_int64();
    linked_incident_ = incident(own_org_);
  }

  // A valid body for creating a record of `plural` as `role`.
  std::string create_body(const std::string& plural) {
    if (plural == "organisations") return R"({"name":"New Co","kind":"customer"})";
    if (plural == "services") return R"({"name":"New service"})";
    if (plural == "teams") return R"({"name":"New team"})";
    if (plural == "incidents") return R"({"title":"From the portal","impact":3,"urgency":3})";
    if (plural == "knowledge_articles") return R"({"title":"Reset a password","body":"Use the portal."})";
    if (plural == "problems") return R"({"title":"Recurring outage","impact":2,"urgency":2})";
    if (plural == "known_errors")
      return R"({"title":"Outage","workaround":"Restart","problem":)" + std::to_string(records_["problems"].first) + "}";
    if (plural == "calendars") return R"({"name":"Office","timezone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]]}})";
    if (plural == "catalogue_items") return R"({"name":"New laptop","service":)" + std::to_string(svc_) + "}";
    if (plural == "service_requests")
      return json::serialize(json::object{{"catalogue_item", offered_item_}, {"customer", own_org_}});
    if (plural == "fulfilment_tasks")
      return json::serialize(json::object{{"request", records_["service_requests"].first}, {"title", "Extra work"}});
    if (plural == "agreements")
      return R"({"name":"Gold","kind":"sla","service":)" + std::to_string(svc_) +
             R"(,"targets":{"P3":{"response":3600,"resolution":28800}}})";
    return "";
  }
  std::string patch_body(const std::string& plural) {
    if (plural == "incidents") return R"({"title":"Renamed"})";
    if (plural == "catalogue_items") return R"({"name":"Renamed"})";
    if (plural == "service_requests" || plural == "fulfilment_tasks") return R"({"title":"Renamed"})";
    if (plural == "knowledge_articles") return R"({"summary":"changed"})";
    if (plural == "problems" || plural == "known_errors") return R"({"symptoms":"changed"})";
    if (plural == "organisations" || plural == "services" || plural == "teams" || plural == "calendars" ||
        plural == "agreements")
      return R"({"description":"changed"})";
    return "";
  }

  // Delivers a notification to `user` and returns its id.
  std::int64_t notification_for(std::int64_t user) {
    auto n = app().store().write([&](SqlConn& c) -> Result<std::int64_t> {
      ORDO_TRY(notify(c, {&user, 1}, {"incident", records_["incidents"].first, "status", "isolation", 0, false, 0}));
      ORDO_ASSIGN(auto rows, c.query("SELECT max(id) FROM notifications WHERE user_id = ?", {user}));
      return sql_int(rows.at(0).at(0));
    });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : 0;
  }

  struct AttachmentCase {
    std::int64_t id = 0;
    bool own = false, internal = false;
  };
  std::int64_t own_org_ = 0, foreign_org_ = 0, bystander_token_ = 0, svc_ = 0, bystander_id_ = 0;
  std::int64_t offered_item_ = 0;  // a catalogue item offered to both organisations
  std::int64_t bystander_notification_ = 0;
  std::int64_t linking_problem_ = 0, linked_incident_ = 0;  // the problem routes that link incidents
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> tickets_;  // conversation routes: plural → (own, foreign)
  std::vector<AttachmentCase> attachments_;
  std::map<std::string, std::int64_t> notifications_;  // role → one of theirs
  std::map<std::string, std::int64_t> user_ids_, token_ids_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> records_;  // plural → (own, foreign)
};

std::string target_for(std::string pattern, const std::string& type, std::int64_t id) {
  auto sub = [&](const std::string& key, const std::string& v) {
    if (auto at = pattern.find(key); at != std::string::npos) pattern.replace(at, key.size(), v);
  };
  sub("{type}", type);
  sub("{id}", std::to_string(id));
  return pattern;
}

// The plural a one-type route names literally: /api/v1/knowledge_articles/{id}/revisions.
std::string literal_type(const std::string& pattern) {
  const std::string prefix = "/api/v1/";
  if (!pattern.starts_with(prefix)) return "";
  return pattern.substr(prefix.size(), pattern.find('/', prefix.size()) - prefix.size());
}

// True when a list of comments or attachments shows something internal.
bool lists_internal(const json::value& v) {
  for (const auto& it : v.at("items").as_array())
    if (const json::value* in = it.as_object().if_contains("internal"); in && *in == true) return true;
  return false;
}

bool has_internal_field(const RecordType& t, const json::value& v) {
  auto check = [&](const json::object& o) {
    for (const auto& f : t.fields)
      if (f.is_internal && o.contains(f.name)) return true;
    return false;
  };
  if (v.is_object() && v.as_object().contains("items")) {
    for (const auto& it : v.at("items").as_array())
      if (it.is_object() && check(it.as_object())) return true;
    return false;
  }
  return v.is_object() && check(v.as_object());
}

TEST_P(Isolation, EveryRouteEveryRoleEveryOrganisation) {
  const auto routes = api_routes(RouterOptions{});
  int checked = 0;
  for (const auto& route : routes) {
    const bool has_type = route.pattern.find("{type}") != std::string::npos;
    const bool has_id = route.pattern.find("{id}") != std::string::npos;
    for (const auto& role : kTestRoles) {
      HttpClient c(port());
      c.bearer = tokens_[role];
      const std::vector<std::string> roles{role};
      const bool staff = role != "requester";
      auto run = [&](const std::string& target, const std::string& body, const std::string& what) {
        auto r = c.request(route.method, target, body, {{"If-Match", "\"1\""}});
        ++checked;
        return std::make_pair(r, route.method + " " + target + " as " + role + " (" + what + ")");
      };
      switch (route.rule) {
        case Rule::kUnset:
          ADD_FAILURE() << route.method << " " << route.pattern << " has no permission rule";
          break;
        case Rule::kPublic: {
          if (route.method != "GET") break;  // login is covered by the auth tests
          auto [r, what] = run(route.pattern, "", "public");
          EXPECT_EQ(r.status, 200) << what;
          auto anon = anonymous().get(route.pattern);
          EXPECT_EQ(anon.status, 200) << route.pattern << " anonymously";
          break;
        }
        case Rule::kAnyUser: {
          if (route.pattern.find("logout") != std::string::npos) break;  // would end the test's session
          if (route.method == "DELETE") {  // own token: revoked; someone else's: unknown
            auto [foreign, fwhat] = run(target_for(route.pattern, "", bystander_token_), "", "foreign token");
            EXPECT_EQ(foreign.status, role == "admin" ? 204 : 404) << fwhat;
            break;
          }
          // The search box needs something to search for.
          const std::string self = route.pattern + (route.pattern.ends_with("/search") ? "?q=x" : "");
          auto [r, what] = run(self, route.method == "POST" ? R"({"name":"x"})" : "", "self");
          EXPECT_TRUE(r.status == 200 || r.status == 201) << what << ": " << r.status << " " << r.body;
          auto anon = anonymous().request(route.method, route.pattern, route.method == "POST" ? "{}" : "");
          EXPECT_EQ(anon.status, 401) << route.pattern << " anonymously";
          break;
        }
        case Rule::kStaffRead: {
          if (!has_id) {
            auto [r, what] = run(route.pattern, "", "directory");
            EXPECT_EQ(r.status, staff ? 200 : 403) << what;
          } else {
            auto [other, owhat] = run(target_for(route.pattern, "", user_ids_["admin"]), "", "another user");
            EXPECT_EQ(other.status, staff ? 200 : 404) << owhat;
            auto [self, swhat] = run(target_for(route.pattern, "", user_ids_[role]), "", "self");
            EXPECT_EQ(self.status, 200) << swhat;
          }
          break;
        }
        case Rule::kAudit: {
          auto [r, what] = run(route.pattern, "", "audit trail");
          EXPECT_EQ(r.status, role == "admin" || role == "auditor" ? 200 : 403) << what;
          break;
        }
        case Rule::kAdmin: {
          std::string body = route.method == "POST" && !has_id ? R"({"username":"made_by_)" + role +
                                                                     R"(","password":"long enough password","roles":["agent"]})"
                             : route.pattern.find("password") != std::string::npos ? R"({"password":"another long password"})"
                                                                                     : R"({"display_name":"Changed"})";
          std::int64_t target = user_ids_["auditor"];
          if (role == "auditor") target = user_ids_["agent"];
          auto [r, what] = run(has_id ? target_for(route.pattern, "", target) : route.pattern, body, "another user");
          int expected = role == "admin" ? (route.method == "POST" && !has_id ? 201 : route.pattern.find("password") != std::string::npos ? 204 : 200)
                                         : staff ? 403 : (has_id ? 404 : 403);
          EXPECT_EQ(r.status, expected) << what << ": " << r.body;
          break;
        }
        case Rule::kImport: {  // one valid NDJSON line; only administrators and process managers get it in
          auto r = c.request(route.method, route.pattern,
                             R"({"title":"Imported by )" + role + R"(","impact":3,"urgency":3,"service":"Mail",)"
                             R"("customer":"Own Co","reported_at":"2026-03-01T10:00:00Z"})" "\n",
                             {{"Content-Type", "application/x-ndjson"}});
          ++checked;
          EXPECT_EQ(r.status, role == "admin" || role == "process_manager" ? 201 : 403)
              << route.method << " " << route.pattern << " as " << role << ": " << r.body;
          break;
        }
        case Rule::kTicketRead:
        case Rule::kTicketWrite: {
          for (const auto& [plural, ids] : records_) {
            const RecordType& t = *app().registry().by_plural(plural);
            const Decision read = decide(t, roles, Op::kRead);
            const bool scoped = read.own_org_only && (t.tenant_field() || t.tenant_is_self);
            // Staff who may update the ticket add anything; requesters who see it reply,
            // attach and watch themselves; the rest (auditors) only read.
            const bool permitted = decide(t, roles, Op::kUpdate).allowed || read.public_fields_only;
            const auto ticket_ids = tickets_.count(plural) ? tickets_.at(plural) : ids;
            for (bool own : {true, false}) {
              const bool visible = read.allowed && (!scoped || own) && t.is_ticket();
              std::string target = target_for(route.pattern, plural, own ? ticket_ids.first : ticket_ids.second);
              if (auto at = target.find("{user}"); at != std::string::npos) target.replace(at, 6, std::to_string(user_ids_[role]));
              std::string body;
              if (route.method == "POST" && target.ends_with("/comments")) body = R"({"body":"hello from )" + role + R"("})";
              if (route.method == "POST" && target.ends_with("/watchers")) body = json::serialize(json::object{{"user", user_ids_[role]}});
              if (route.method == "POST" && target.ends_with("/attachments")) target += "?filename=iso.txt", body = "isolation";
              auto [r, what] = run(target, body, own ? "own organisation" : "foreign organisation");
              if (!visible) {
                EXPECT_EQ(r.status, 404) << what << ": " << r.body;
              } else if (route.rule == Rule::kTicketRead) {
                EXPECT_EQ(r.status, 200) << what << ": " << r.body;
                if (r.status == 200 && read.public_fields_only) EXPECT_FALSE(lists_internal(r.json())) << what;
              } else if (!permitted) {
                EXPECT_EQ(r.status, 403) << what << ": " << r.body;
              } else if (tickets_.count(plural)) {
                EXPECT_TRUE(r.status == 200 || r.status == 201 || r.status == 204) << what << ": " << r.status << " " << r.body;
              } else {  // another helper's ticket may be closed by now: about the record, never about access
                EXPECT_TRUE(r.status != 401 && r.status != 403 && r.status != 404) << what << ": " << r.status << " " << r.body;
              }
            }
          }
          break;
        }
        case Rule::kAttachment: {
          const RecordType& t = *app().registry().by_name("incident");
          const Decision read = decide(t, roles, Op::kRead);
          for (const auto& a : attachments_) {
            const bool visible = read.allowed && (!read.own_org_only || a.own) && !(read.public_fields_only && a.internal);
            auto [r, what] = run(target_for(route.pattern, "", a.id), "",
                                 std::string(a.own ? "own" : "foreign") + (a.internal ? " internal" : " public") + " file");
            EXPECT_EQ(r.status, visible ? 200 : 404) << what << ": " << r.body;
          }
          break;
        }
        case Rule::kOwnItem: {
          auto [mine, mwhat] = run(target_for(route.pattern, "", notifications_[role]), "", "own");
          EXPECT_EQ(mine.status, 200) << mwhat << ": " << mine.body;
          auto [other, owhat] = run(target_for(route.pattern, "", bystander_notification_), "", "someone else's");
          EXPECT_EQ(other.status, 404) << owhat << ": " << other.body;
          break;
        }
        case Rule::kApprover: {  // a record's approver (none of these users) or an administrator decides
          const std::string plural = route.pattern.substr(8, route.pattern.find('/', 8) - 8);  // /api/v1/{plural}/…
          ASSERT_TRUE(records_.count(plural)) << route.pattern;
          const RecordType& t = *app().registry().by_plural(plural);
          const Decision read = decide(t, roles, Op::kRead);
          const bool scoped = read.own_org_only && t.tenant_field();
          for (bool own : {true, false}) {
            const auto& ids = records_[plural];
            auto [r, what] = run(target_for(route.pattern, "", own ? ids.first : ids.second), R"({"decision":"approve"})",
                                 own ? "own organisation" : "foreign organisation");
            if (!read.allowed || (scoped && !own)) EXPECT_EQ(r.status, 404) << what << ": " << r.body;
            else if (role != "admin") EXPECT_EQ(r.status, 403) << what << ": " << r.body;
            else EXPECT_EQ(r.status, 409) << what << ": nothing awaits approval: " << r.body;
          }
          break;
        }
        case Rule::kRecordRead:
        case Rule::kRecordCreate:
        case Rule::kRecordUpdate:
        case Rule::kRecordTransition: {
          // A route of one type names its plural literally and is checked on that type only.
          const std::string literal = has_type ? std::string() : literal_type(route.pattern);
          ASSERT_TRUE(has_type || records_.count(literal))
              << route.pattern << ": a record route needs {type} or a literal type the suite has records of";
          for (const auto& [plural, ids] : records_) {
            if (!literal.empty() && plural != literal) continue;
            const RecordType& t = *app().registry().by_plural(plural);
            const Decision read = decide(t, roles, Op::kRead);
            const bool scoped = read.own_org_only && (t.tenant_field() || t.tenant_is_self);
            if (route.rule == Rule::kRecordCreate) {
              const Decision d = decide(t, roles, Op::kCreate);
              std::string body = create_body(plural);
              if (route.pattern.ends_with("/from-incidents")) {  // a problem raised from an incident of its own
                auto inc = app().create(app().system_principal(), *app().registry().by_plural("incidents"),
                                        json::object{{"title", "Recurring"}, {"impact", 3}, {"urgency", 3}});
                ASSERT_TRUE(inc) << inc.error().message;
                body = json::serialize(json::object{{"title", "Raised by " + role}, {"incidents", json::array{inc->at("id")}}});
              }
              auto [r, what] = run(target_for(route.pattern, plural, 0), body, "create");
              EXPECT_EQ(r.status, d.allowed ? 201 : 403) << what << ": " << r.body;
              if (r.status == 201 && d.own_org_only && t.tenant_field())
                EXPECT_EQ(r.json().at(t.tenant_field()->name), own_org_) << what << ": forced to own organisation";
              if (d.allowed && d.own_org_only && t.tenant_field()) {
                json::object foreign = json::parse(create_body(plural)).as_object();
                foreign[t.tenant_field()->name] = foreign_org_;
                auto [f, fwhat] = run(target_for(route.pattern, plural, 0), json::serialize(foreign), "create for a foreign organisation");
                EXPECT_EQ(f.status, 403) << fwhat;
              }
              continue;
            }
            if (!has_id) {  // list
              auto [r, what] = run(target_for(route.pattern, plural, 0), "", "list");
              EXPECT_EQ(r.status, read.allowed ? 200 : 403) << what;
              if (r.status == 200) {
                const json::value page = r.json();
                for (const auto& item : page.at("items").as_array()) {
                  if (!scoped) break;
                  std::int64_t org = t.tenant_is_self ? item.at("id").as_int64() : item.at(t.tenant_field()->name).as_int64();
                  EXPECT_EQ(org, own_org_) << what << ": lists a foreign organisation's record";
                }
                if (read.public_fields_only) EXPECT_FALSE(has_internal_field(t, r.json())) << what;
              }
              continue;
            }
            for (bool own : {true, false}) {
              std::int64_t id = own ? ids.first : ids.second;
              const bool links = plural == "problems" && route.pattern.find("/incidents") != std::string::npos;
              if (links) id = linking_problem_;
              // A type without a workflow has no transitions resource at all; one without
              // service levels no SLA clock.
              const bool is_sla = route.pattern.ends_with("/sla");
              // The satisfaction survey exists on ticket types that declare it; it is the
              // customer's: staff get 403, and a ticket that is not resolved 409.
              const bool is_survey = route.pattern.ends_with("/survey");
              const bool visible = read.allowed && (!scoped || own) &&
                                   (route.rule != Rule::kRecordTransition || t.workflow.has_value()) &&
                                   (!is_sla || !t.sla_resolved_state.empty()) &&
                                   (!is_survey || (t.field("satisfaction_rating") && t.workflow));
              std::string body;
              int allowed_status = 200;
              bool permitted = true;
              if (links && route.method == "DELETE") {  // the link to remove
                auto linked = app().link_problem_incidents(app().system_principal(), id,
                                                           json::object{{"incidents", json::array{linked_incident_}}});
                ASSERT_TRUE(linked) << linked.error().message;
              }
              if (route.rule == Rule::kRecordUpdate && links) {
                body = json::serialize(json::object{{"incidents", json::array{linked_incident_}}});
                permitted = decide(t, roles, Op::kUpdate).allowed;
              } else if (route.rule == Rule::kRecordUpdate) {
                body = patch_body(plural);
                permitted = decide(t, roles, Op::kUpdate).allowed;
              } else if (is_survey) {
                body = R"({"rating":5})";
              } else if (route.rule == Rule::kRecordTransition) {
                body = R"({"to":"cancelled"})";
                permitted = decide(t, roles, Op::kTransition, "cancelled").allowed;
              }
              std::string target = target_for(route.pattern, plural, id);
              if (auto at = target.find("{incident_id}"); at != std::string::npos)
                target.replace(at, 13, std::to_string(linked_incident_));
              auto [r, what] = run(target, body, own ? "own organisation" : "foreign organisation");
              if (!visible) {
                EXPECT_EQ(r.status, 404) << what << ": " << r.body;
              } else if (!permitted) {
                EXPECT_EQ(r.status, 403) << what << ": " << r.body;
              } else if (is_survey) {
                EXPECT_EQ(r.status, staff ? 403 : 409) << what << ": " << r.body;
              } else if (route.rule == Rule::kRecordRead) {
                EXPECT_EQ(r.status, allowed_status) << what << ": " << r.body;
                if (read.public_fields_only) EXPECT_FALSE(has_internal_field(t, r.json())) << what;
              } else {
                // Permitted: the answer is about the record, never about access.
                EXPECT_TRUE(r.status != 401 && r.status != 403 && r.status != 404) << what << ": " << r.status << " " << r.body;
              }
            }
          }
          break;
        }
      }
    }
  }
  EXPECT_GT(checked, 200);
}

INSTANTIATE_TEST_SUITE_P(Db, Isolation, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
