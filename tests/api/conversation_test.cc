// The ticket conversation over the API (issue #5): replies, internal notes and customer
// replies as events on the hash chain (and what they do to the SLA clock), what a requester
// may never see, attachments (size limit, sniffed type, safe downloads), watchers and the
// notifications they receive — on both databases.
#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "app/conversation.h"
#include "store/event_log.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxBytes = 64 * 1024;

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') out += ch;
    else out += {'%', kHex[c >> 4], kHex[c & 0xf]};
  }
  return out;
}

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
const std::string kHtml = "<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n";

class Conversation : public ApiTest {
 protected:
  void configure(AppOptions& o) override { o.attachments.max_bytes = kMaxBytes; }

  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    own_ = customer_id();
    other_ = create("organisations", R"({"name":"Other Co","kind":"customer"})").at("id").as_int64();
    agent_ = user_client("alice", {"agent"}, std::nullopt, &alice_);
    agent2_ = user_client("bob", {"agent"}, std::nullopt, &bob_);
    auditor_ = user_client("audrey", {"auditor"}, std::nullopt, &audrey_);
    customer_ = user_client("carol", {"requester"}, own_, &carol_);
    outsider_ = user_client("oscar", {"requester"}, other_, &oscar_);
    team_ = create("teams", json::serialize(json::object{{"name", "Desk"}, {"members", json::array{alice_, bob_}}}))
                .at("id").as_int64();
    create("agreements", json::serialize(json::object{
                             {"name", "SLA"}, {"kind", "sla"}, {"service", service_id()},
                             {"targets", json::object{{"P3", json::object{{"response", 3600}, {"resolution", 28800}}}}}}));
  }

  // A P3 incident of `org` assigned to alice in the desk team.
  std::int64_t ticket(std::optional<std::int64_t> org = std::nullopt) {
    return create("incidents", json::serialize(json::object{{"title", "Printer jammed"}, {"impact", 2}, {"urgency", 2},
                                                            {"service", service_id()}, {"customer", org.value_or(own_)},
                                                            {"assignment_group", team_}, {"assignee", alice_}}))
        .at("id").as_int64();
  }
  static std::string path(std::int64_t id, const std::string& rest = "") {
    return "/api/v1/incidents/" + std::to_string(id) + rest;
  }
  static HttpResponse say(HttpClient& c, std::int64_t id, const std::string& body, bool internal = false) {
    return c.post(path(id, "/comments"), json::serialize(json::object{{"body", body}, {"internal", internal}}));
  }
  static HttpResponse upload(HttpClient& c, std::int64_t id, const std::string& name, const std::string& bytes,
                             const std::string& extra = "", const std::string& claimed = "application/octet-stream") {
    return c.request("POST", path(id, "/attachments?filename=" + url_encode(name) + extra), bytes,
                     {{"Content-Type", claimed}});
  }
  json::object get(HttpClient& c, const std::string& target) {
    auto r = c.get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }
  // The ticket's events as the caller sees them.
  json::array history(HttpClient& c, std::int64_t id) { return get(c, path(id, "/history")).at("items").as_array(); }
  static std::vector<std::string> actions(const json::array& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.emplace_back(e.at("action").as_string());
    return out;
  }
  HttpResponse move(std::int64_t id, const std::string& to) {
    auto cur = client().get(path(id));
    return client().post(path(id, "/transitions"),
                         json::serialize(json::object{{"to", to}, {"version", cur.json().at("version")}}));
  }
  std::vector<std::string> inbox(HttpClient& c, const std::string& query = "") {
    std::vector<std::string> kinds;
    const json::object page = get(c, "/api/v1/notifications" + query);
    for (const auto& n : page.at("items").as_array())
      kinds.emplace_back(n.at("kind").as_string());
    return kinds;
  }

  std::int64_t own_ = 0, other_ = 0, team_ = 0;
  std::int64_t alice_ = 0, bob_ = 0, audrey_ = 0, carol_ = 0, oscar_ = 0;
  HttpClient agent_{0}, agent2_{0}, auditor_{0}, customer_{0}, outsider_{0};
};

TEST_P(Conversation, RepliesNotesAndCustomerRepliesAreChainedEventsAndOnlyAStaffReplyMeetsResponse) {
  std::int64_t id = ticket();
  clock().advance(300);
  auto cr = say(customer_, id, "It still jams on page 2.");
  ASSERT_EQ(cr.status, 201) << cr.body;
  EXPECT_EQ(cr.json().at("internal"), false);
  EXPECT_EQ(cr.json().at("author"), "carol");
  EXPECT_TRUE(get(client(), path(id)).at("response_met_at").is_null()) << "a customer's reply is no response";

  clock().advance(300);
  auto note = say(agent_, id, "Probably the fuser; ordering one.", true);
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_TRUE(get(client(), path(id)).at("response_met_at").is_null()) << "an internal note is no response";

  clock().advance(300);
  auto reply = say(agent_, id, "We are on it: a technician comes at 14:00.");
  ASSERT_EQ(reply.status, 201) << reply.body;
  json::object rec = get(client(), path(id));
  EXPECT_EQ(rec.at("response_met_at"), json::value(format_rfc3339(kTestStart + 900)));
  json::object sla = get(client(), path(id, "/sla"));
  for (const auto& t : sla.at("targets").as_array())
    if (t.at("kind") == "response") EXPECT_EQ(t.at("met_at"), json::value(format_rfc3339(kTestStart + 900)));

  json::array events = history(client(), id);
  ASSERT_EQ(actions(events), (std::vector<std::string>{"create", "customer_reply", "note", "reply"}));
  EXPECT_EQ(json::serialize(events[1].at("data")),
            json::serialize(json::object{{"comment_id", cr.json().at("id")}, {"body", "It still jams on page 2."}}));
  EXPECT_EQ(json::serialize(events[2].at("data")),
            json::serialize(json::object{{"comment_id", note.json().at("id")}, {"internal", true},
                                         {"body", "Probably the fuser; ordering one."}}));
  EXPECT_EQ(json::serialize(events[3].at("data")),
            json::serialize(json::object{{"comment_id", reply.json().at("id")}, {"public", true},
                                         {"body", "We are on it: a technician comes at 14:00."}}));
  EXPECT_EQ(events[3].at("actor"), "alice");
  auto verified = app().verify_audit_chain();
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->ok) << verified->problem;

  // Oldest first, each with its author; bad bodies are refused.
  auto list = get(agent_, path(id, "/comments")).at("items").as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1].at("internal"), true);
  EXPECT_EQ(list[2].at("author"), "alice");
  EXPECT_EQ(client().post(path(id, "/comments"), R"({"body":"   "})").status, 400);
  EXPECT_EQ(client().post(path(id, "/comments"), R"({"internal":true})").status, 400);
  EXPECT_EQ(client().post(path(id, "/comments"), R"({"body":"x","public":true})").status, 400);
  EXPECT_EQ(client().post(path(id, "/comments"), R"({"body":"x","internal":"yes"})").status, 400);
}

TEST_P(Conversation, ACustomerReplyHandsAPendingTicketBackInTheSameCommand) {
  std::int64_t id = ticket();
  ASSERT_EQ(move(id, "in_progress").status, 200);
  ASSERT_EQ(move(id, "pending_customer").status, 200);
  std::int64_t version = get(client(), path(id)).at("version").as_int64();
  clock().advance(600);
  ASSERT_EQ(say(customer_, id, "Here is the serial number: X123.").status, 201);
  json::object rec = get(client(), path(id));
  EXPECT_EQ(rec.at("status"), "in_progress");
  EXPECT_EQ(rec.at("version"), version + 1);
  json::array events = history(client(), id);
  ASSERT_GE(events.size(), 2u);
  const json::value& last = events.back();
  EXPECT_EQ(events[events.size() - 2].at("action"), "customer_reply");
  EXPECT_EQ(last.at("action"), "transition");
  EXPECT_EQ(last.at("actor"), "carol");
  EXPECT_EQ(last.at("data").at("from"), "pending_customer");
  EXPECT_EQ(last.at("data").at("to"), "in_progress");
  // A staff reply leaves the status alone.
  ASSERT_EQ(move(id, "pending_customer").status, 200);
  ASSERT_EQ(say(agent_, id, "Could you also send a photo?").status, 201);
  EXPECT_EQ(get(client(), path(id)).at("status"), "pending_customer");
  // Closed and cancelled tickets take no more comments or files.
  ASSERT_EQ(move(id, "cancelled").status, 200);
  EXPECT_EQ(say(agent_, id, "One more thing").status, 409);
  EXPECT_EQ(upload(agent_, id, "late.txt", "too late").status, 409);
}

TEST_P(Conversation, ARequesterNeverSeesInternalNotesNorWritesThem) {
  std::int64_t id = ticket();
  ASSERT_EQ(say(customer_, id, "Any news?").status, 201);
  auto note = say(agent_, id, "Customer is on the legacy plan - do not offer a swap.", true);
  ASSERT_EQ(note.status, 201);
  std::int64_t note_id = note.json().at("id").as_int64();
  auto secret = upload(agent_, id, "contract.txt", "internal pricing", "&comment=" + std::to_string(note_id));
  ASSERT_EQ(secret.status, 201) << secret.body;
  EXPECT_EQ(secret.json().at("internal"), true);
  auto shared = upload(agent_, id, "manual.txt", "press the green button");
  ASSERT_EQ(shared.status, 201) << shared.body;
  ASSERT_EQ(say(agent_, id, "Try the green button.").status, 201);

  // Staff see everything.
  EXPECT_EQ(get(agent_, path(id, "/comments")).at("items").as_array().size(), 3u);
  EXPECT_EQ(get(auditor_, path(id, "/attachments")).at("items").as_array().size(), 2u);

  // The requester: public replies, public files, a history without the note or its file.
  auto comments = get(customer_, path(id, "/comments")).at("items").as_array();
  ASSERT_EQ(comments.size(), 2u);
  for (const auto& c : comments) EXPECT_EQ(c.at("internal"), false);
  auto files = get(customer_, path(id, "/attachments")).at("items").as_array();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].at("filename"), "manual.txt");
  auto events = history(customer_, id);
  EXPECT_EQ(actions(events), (std::vector<std::string>{"create", "customer_reply", "attachment", "reply"}));
  std::string all = json::serialize(events);
  EXPECT_EQ(all.find("legacy plan"), std::string::npos);
  EXPECT_EQ(all.find("contract.txt"), std::string::npos);
  const std::string secret_path = "/api/v1/attachments/" + std::to_string(secret.json().at("id").as_int64());
  EXPECT_EQ(customer_.get(secret_path).status, 404);
  EXPECT_EQ(customer_.get(secret_path + "/content").status, 404);
  EXPECT_EQ(agent_.get(secret_path + "/content").status, 200);
  // Nor a comment search that would reveal it.
  auto matches = app().store().read([](SqlConn& c) { return search_comments(c, "legacy plan", 10, true); });
  ASSERT_TRUE(matches);
  EXPECT_TRUE(matches->empty());
  matches = app().store().read([](SqlConn& c) { return search_comments(c, "legacy", 10, false); });
  ASSERT_TRUE(matches);
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].record_type, "incident");
  EXPECT_EQ((*matches)[0].record_id, id);
  EXPECT_EQ((*matches)[0].comment_id, note_id);
  EXPECT_TRUE((*matches)[0].internal);

  // Writing: no internal notes, no files on someone else's comment, only public replies.
  EXPECT_EQ(say(customer_, id, "let me in", true).status, 403);
  EXPECT_EQ(upload(customer_, id, "x.txt", "x", "&comment=" + std::to_string(note_id)).status, 400);
  // Auditors read but never write.
  EXPECT_EQ(say(auditor_, id, "audit remark").status, 403);
  EXPECT_EQ(upload(auditor_, id, "a.txt", "a").status, 403);

  // Another organisation's ticket does not exist for them.
  std::int64_t foreign = ticket(other_);
  ASSERT_EQ(say(agent_, foreign, "hello other co").status, 201);
  for (const char* rest : {"/comments", "/attachments", "/watchers"}) EXPECT_EQ(customer_.get(path(foreign, rest)).status, 404);
  EXPECT_EQ(say(customer_, foreign, "hi").status, 404);
  EXPECT_EQ(upload(customer_, foreign, "a.txt", "a").status, 404);
  EXPECT_EQ(customer_.post(path(foreign, "/watchers"), json::serialize(json::object{{"user", carol_}})).status, 404);
  // And types that are no tickets have no conversation.
  EXPECT_EQ(client().get("/api/v1/services/" + std::to_string(service_id()) + "/comments").status, 404);
}

TEST_P(Conversation, AttachmentsAreLimitedSniffedAndOnlyEverDownloaded) {
  std::int64_t id = ticket();
  // The client says HTML; the bytes say PNG.
  auto png = upload(customer_, id, "screen shot.png", kPng, "", "text/html");
  ASSERT_EQ(png.status, 201) << png.body;
  json::value meta = png.json();
  EXPECT_EQ(meta.at("content_type"), "image/png");
  EXPECT_EQ(meta.at("size"), static_cast<std::int64_t>(kPng.size()));
  EXPECT_EQ(meta.at("sha256"), json::value(sha256_hex(kPng)));
  EXPECT_EQ(meta.at("filename"), "screen shot.png");
  EXPECT_EQ(meta.at("author"), "carol");
  const std::string at = "/api/v1/attachments/" + std::to_string(meta.at("id").as_int64());
  EXPECT_EQ(png.header("location"), at);
  EXPECT_EQ(get(customer_, at).at("sha256"), meta.at("sha256"));
  auto down = customer_.get(at + "/content");
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body, kPng);
  EXPECT_EQ(down.header("content-type"), "image/png");
  EXPECT_EQ(down.header("content-disposition"), "attachment; filename=\"screen shot.png\"; filename*=UTF-8''screen%20shot.png");
  EXPECT_EQ(down.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(down.header("content-security-policy").rfind("sandbox", 0), 0u);

  // HTML dressed as a PDF is stored as what it is and served as bytes to save, never to render.
  auto html = upload(agent_, id, "Rechnung März.pdf", kHtml, "", "application/pdf");
  ASSERT_EQ(html.status, 201) << html.body;
  EXPECT_EQ(html.json().at("content_type"), "text/html");
  auto page = agent_.get("/api/v1/attachments/" + std::to_string(html.json().at("id").as_int64()) + "/content");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body, kHtml);
  EXPECT_EQ(page.header("content-type"), "application/octet-stream");
  EXPECT_EQ(page.header("content-disposition"),
            "attachment; filename=\"Rechnung M__rz.pdf\"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf");
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");

  // Each upload is on the chain with its digest.
  json::array events = history(client(), id);
  ASSERT_EQ(actions(events), (std::vector<std::string>{"create", "attachment", "attachment"}));
  EXPECT_EQ(events[1].at("data").at("sha256"), json::value(sha256_hex(kPng)));
  EXPECT_EQ(events[1].at("data").at("content_type"), "image/png");
  EXPECT_EQ(events[2].at("data").at("filename"), "Rechnung März.pdf");

  // The limit: exactly max_bytes is fine; one more is 413 (from the application), far more
  // is 413 from the server before the body is read; nothing is stored either way.
  EXPECT_EQ(upload(agent_, id, "max.bin", std::string(kMaxBytes, 'a')).status, 201);
  auto over = upload(agent_, id, "over.bin", std::string(kMaxBytes + 1, 'a'));
  EXPECT_EQ(over.status, 413) << over.body;
  EXPECT_EQ(over.header("content-type"), "application/problem+json");
  HttpClient fresh(port());
  fresh.bearer = client().bearer;
  auto huge = upload(fresh, id, "huge.bin", std::string(2 * 1024 * 1024, 'a'));
  EXPECT_EQ(huge.status, 413) << huge.body;
  EXPECT_EQ(get(client(), path(id, "/attachments")).at("items").as_array().size(), 3u);
  // Other routes keep the server's limit.
  fresh = HttpClient(port());
  fresh.bearer = client().bearer;
  EXPECT_EQ(fresh.post(path(id, "/comments"), R"({"body":")" + std::string(2 * 1024 * 1024, 'a') + R"("})").status, 413);

  // What a file may be called and how it is sent.
  EXPECT_EQ(agent_.request("POST", path(id, "/attachments"), "x", {{"Content-Type", "text/plain"}}).status, 400);
  EXPECT_EQ(upload(agent_, id, "../", "x").status, 400);
  EXPECT_EQ(upload(agent_, id, "empty.txt", "").status, 400);
  EXPECT_EQ(upload(agent_, id, "x.txt", "x", "&bogus=1").status, 400);
  auto cleaned = upload(agent_, id, "C:\\Users\\alice\\notes.txt", "plain notes\n");
  ASSERT_EQ(cleaned.status, 201);
  EXPECT_EQ(cleaned.json().at("filename"), "notes.txt");
  EXPECT_EQ(cleaned.json().at("content_type"), "text/plain");
  EXPECT_EQ(client().get("/api/v1/attachments/999999").status, 404);
}

TEST_P(Conversation, WatchersAndTheAssigneeAreNotified) {
  std::int64_t id = ticket();
  EXPECT_EQ(inbox(agent_), (std::vector<std::string>{"assigned"})) << "alice was assigned on create";

  auto add = agent2_.post(path(id, "/watchers"), json::serialize(json::object{{"user", bob_}}));
  ASSERT_EQ(add.status, 201) << add.body;
  EXPECT_EQ(add.json().at("username"), "bob");
  EXPECT_EQ(agent2_.post(path(id, "/watchers"), json::serialize(json::object{{"user", bob_}})).status, 200);
  ASSERT_EQ(customer_.post(path(id, "/watchers"), json::serialize(json::object{{"user", carol_}})).status, 201);
  EXPECT_EQ(customer_.post(path(id, "/watchers"), json::serialize(json::object{{"user", bob_}})).status, 403);
  EXPECT_EQ(agent_.post(path(id, "/watchers"), json::serialize(json::object{{"user", oscar_}})).status, 403);
  EXPECT_EQ(agent_.post(path(id, "/watchers"), json::serialize(json::object{{"user", 987654}})).status, 400);
  EXPECT_EQ(auditor_.post(path(id, "/watchers"), json::serialize(json::object{{"user", audrey_}})).status, 403);

  // Staff see every watcher; the customer only their own organisation's.
  EXPECT_EQ(get(agent_, path(id, "/watchers")).at("items").as_array().size(), 2u);
  auto seen = get(customer_, path(id, "/watchers")).at("items").as_array();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].at("user"), carol_);
  // Who at the provider watches is not in the customer's history either.
  EXPECT_EQ(actions(history(customer_, id)), (std::vector<std::string>{"create", "watch"}));
  EXPECT_EQ(actions(history(client(), id)), (std::vector<std::string>{"create", "watch", "watch"}));

  // A staff reply: the assignee and every watcher but its author.
  ASSERT_EQ(say(agent2_, id, "Looking into it.").status, 201);
  EXPECT_EQ(inbox(agent_), (std::vector<std::string>{"reply", "assigned"}));
  EXPECT_EQ(inbox(customer_), (std::vector<std::string>{"reply"}));
  EXPECT_EQ(inbox(agent2_), (std::vector<std::string>{}));
  // An internal note: never the customer.
  ASSERT_EQ(say(agent_, id, "Needs a new fuser.", true).status, 201);
  EXPECT_EQ(inbox(agent2_), (std::vector<std::string>{"note"}));
  EXPECT_EQ(inbox(customer_), (std::vector<std::string>{"reply"}));
  // A customer reply and a status change reach everyone following.
  ASSERT_EQ(say(customer_, id, "Thanks!").status, 201);
  ASSERT_EQ(move(id, "in_progress").status, 200);
  EXPECT_EQ(inbox(agent2_), (std::vector<std::string>{"status", "customer_reply", "note"}));
  EXPECT_EQ(inbox(customer_), (std::vector<std::string>{"status", "reply"}));
  auto mine = get(customer_, "/api/v1/notifications").at("items").as_array();
  EXPECT_EQ(mine[0].at("record_type"), "incident");
  EXPECT_EQ(mine[0].at("plural"), "incidents");
  EXPECT_EQ(mine[0].at("record_id"), id);
  EXPECT_EQ(mine[0].at("message"), "admin moved INC-000001 from new to in_progress");
  EXPECT_EQ(mine[1].at("message"), "bob replied on INC-000001: Looking into it.");

  // Reading: one, then all; someone else's is not there; pages.
  json::object page = get(agent2_, "/api/v1/notifications?unread=true&limit=2");
  EXPECT_EQ(page.at("unread"), 3);
  ASSERT_EQ(page.at("items").as_array().size(), 2u);
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto rest = get(agent2_, "/api/v1/notifications?unread=true&limit=2&cursor=" +
                               std::string(page.at("next_cursor").as_string()));
  EXPECT_EQ(rest.at("items").as_array().size(), 1u);
  EXPECT_TRUE(rest.at("next_cursor").is_null());
  const std::string first = std::to_string(page.at("items").at(0).at("id").as_int64());
  EXPECT_EQ(customer_.post("/api/v1/notifications/" + first + "/read", "").status, 404);
  auto read = agent2_.post("/api/v1/notifications/" + first + "/read", "");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("read"), true);
  EXPECT_EQ(get(agent2_, "/api/v1/notifications?unread=true").at("unread"), 2);
  auto all = agent2_.post("/api/v1/notifications/read-all", "");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.json().at("marked"), 2);
  EXPECT_EQ(inbox(agent2_, "?unread=true"), (std::vector<std::string>{}));
  EXPECT_EQ(inbox(agent2_).size(), 3u) << "read notifications stay listed";
  EXPECT_EQ(agent2_.get("/api/v1/notifications?limit=0").status, 400);
  EXPECT_EQ(agent2_.get("/api/v1/notifications?unread=maybe").status, 400);

  // Unwatching: themselves (customer), anyone (staff); idempotent; the customer no longer hears.
  EXPECT_EQ(customer_.request("DELETE", path(id, "/watchers/" + std::to_string(bob_))).status, 403);
  EXPECT_EQ(customer_.request("DELETE", path(id, "/watchers/" + std::to_string(carol_))).status, 204);
  EXPECT_EQ(customer_.request("DELETE", path(id, "/watchers/" + std::to_string(carol_))).status, 204);
  EXPECT_EQ(agent_.request("DELETE", path(id, "/watchers/" + std::to_string(bob_))).status, 204);
  ASSERT_EQ(say(agent_, id, "Fixed.").status, 201);
  EXPECT_EQ(inbox(customer_).size(), 2u);
  EXPECT_EQ(actions(history(client(), id)).back(), "reply");
  EXPECT_EQ(get(client(), path(id, "/watchers")).at("items").as_array().size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Db, Conversation, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
