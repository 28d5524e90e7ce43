// The ticket conversation (issue #5): public replies and internal notes, and the people who
// watch a ticket. Generic over every ticket type (RecordType::is_ticket()); attachments are
// in attachments.cc, notifications in notifications.cc, access rules in conversation.h.
//
// Each comment appends one event to the ticket's hash chain, in the same transaction, with
// the body in it (so the chain proves what was said):
//   reply           a staff public reply {"comment_id", "public": true, "body"}: the first
//                   one meets the SLA response target (domain/sla_history.h)
//   customer_reply  a requester's reply {"comment_id", "body"}: no SLA effect, but a ticket
//                   waiting in pending_customer goes back to in_progress (its own event)
//   note            an internal note {"comment_id", "internal": true, "body"}: history
//                   hides events marked internal from requesters
// Watching: "watch" / "unwatch" {"user", "internal": true when the watcher is staff}.
#include "app/conversation.h"

#include <algorithm>

#include <boost/json.hpp>

#include "app/hooks.h"
#include "app/notifications.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxCommentBytes = 64 * 1024;

Error forbidden(std::string msg) { return Error{ErrorKind::kForbidden, std::move(msg), {}, {}}; }

bool only_requester(const std::vector<std::string>& roles) {
  return std::all_of(roles.begin(), roles.end(), [](const std::string& r) { return r == "requester"; });
}

json::object comment_json(const SqlRow& r) {
  return json::object{{"id", sql_int(r[0])},           {"record_type", sql_text(r[1])},
                      {"record_id", sql_int(r[2])},    {"internal", sql_int(r[3]) != 0},
                      {"body", sql_text(r[4])},        {"author_id", sql_int(r[5])},
                      {"author", sql_text(r[6])},      {"created_at", format_rfc3339(sql_int(r[7]))},
                      {"attachments", json::array{}}};
}

struct CommentInput {
  std::string body;
  bool internal = false;
};

Result<CommentInput> parse_comment(const json::object& body) {
  static const FieldDef kBody = text("body").max_len(kMaxCommentBytes);
  CommentInput in;
  std::vector<FieldError> errors;
  bool has_body = false;
  for (const auto& [k, v] : body) {
    if (k == "body") {
      auto b = normalize_value(kBody, v);
      if (!b) errors.push_back({"body", b.error().message});
      else if (b->as_string().find_first_not_of(" \t\r\n") == json::string::npos) errors.push_back({"body", "is empty"});
      else in.body = std::string(b->as_string()), has_body = true;
    } else if (k == "internal") {
      if (!v.is_bool()) errors.push_back({"internal", "must be true or false"});
      else in.internal = v.as_bool();
    } else {
      errors.push_back({std::string(k), "unknown field (body, internal)"});
    }
  }
  if (!has_body && errors.empty()) errors.push_back({"body", "is required"});
  if (!errors.empty()) return invalid("invalid comment", std::move(errors));
  return in;
}

// A user as the watcher list shows them; nullopt when there is no such user.
struct UserInfo {
  std::string username, display_name;
  std::vector<std::string> roles;
  std::optional<std::int64_t> organisation;
  bool disabled = false;
};
Result<std::optional<UserInfo>> user_info(SqlConn& c, std::int64_t id) {
  ORDO_ASSIGN(auto rows, c.query("SELECT username, display_name, roles, organisation, disabled FROM users WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<UserInfo>{};
  const SqlRow& r = rows[0];
  UserInfo u{sql_text(r[0]), sql_text(r[1]), split_roles(sql_text(r[2])), std::nullopt, sql_int(r[4]) != 0};
  if (!sql_null(r[3])) u.organisation = sql_int(r[3]);
  return std::optional<UserInfo>{std::move(u)};
}

}  // namespace

// --- Shared (conversation.h) ---

Result<TicketAccess> ticket_access(const Principal& p, const RecordType& t, bool write) {
  if (!t.is_ticket()) return not_found(t.plural + " have no conversation (comments, attachments, watchers)");
  ORDO_ASSIGN(Scope s, authorize(p, t, Op::kRead));
  TicketAccess a{s, std::nullopt};
  if (write && !s.public_only && !decide(t, p.roles, Op::kUpdate).allowed)
    a.refused = forbidden("your role may read " + t.plural + " but not add to them");
  return a;
}

bool ticket_is_final(const RecordType& t, const json::object& record) {
  if (!t.workflow) return false;
  const json::value* s = record.if_contains("status");
  if (!s || !s->is_string()) return false;
  const auto& finals = t.workflow->final_states;
  return std::find(finals.begin(), finals.end(), std::string_view(s->as_string())) != finals.end();
}

Result<std::vector<CommentMatch>> search_comments(SqlConn& c, std::string_view text, std::int64_t limit,
                                                  bool public_only) {
  std::string sql = "SELECT record_type, record_id, id, internal FROM comments WHERE ";
  std::vector<SqlValue> params;
  if (c.backend() == SqlBackend::kSqlite) {
    std::string fq = fts5_query(std::string(text));
    if (fq.empty()) return std::vector<CommentMatch>{};
    sql += "id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?)";
    params.push_back(std::move(fq));
  } else {
    sql += "search @@ plainto_tsquery('simple', ?)";
    params.push_back(std::string(text));
  }
  if (public_only) sql += " AND internal = 0";
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(limit);
  ORDO_ASSIGN(auto rows, c.query(sql, params));
  std::vector<CommentMatch> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({sql_text(r[0]), sql_int(r[1]), sql_int(r[2]), sql_int(r[3]) != 0});
  return out;
}

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  std::string out;
  for (char ch : text) out += (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch;
  if (out.size() <= max_bytes) return out;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  out.resize(cut);
  return out + "…";
}

// --- Comments ---

Result<json::object> App::comments(const Principal& p, const RecordType& t, std::int64_t id) {
  ORDO_ASSIGN(TicketAccess a, ticket_access(p, t, false));
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(load_visible(c, t, id, a.scope));
    const std::string only_public = a.scope.public_only ? " AND internal = 0" : "";
    ORDO_ASSIGN(auto rows, c.query("SELECT id, record_type, record_id, internal, body, author_id, author, created_at "
                                   "FROM comments WHERE record_type = ? AND record_id = ?" + only_public + " ORDER BY id",
                                   {t.name, id}));
    ORDO_ASSIGN(auto files, c.query("SELECT comment_id, id, filename, content_type, size FROM attachments "
                                     "WHERE record_type = ? AND record_id = ? AND comment_id IS NOT NULL" + only_public +
                                     " ORDER BY id",
                                     {t.name, id}));
    json::array items;
    items.reserve(rows.size());
    for (const auto& r : rows) {
      json::object cm = comment_json(r);
      json::array& attached = cm["attachments"].as_array();
      for (const auto& f : files)
        if (sql_int(f[0]) == sql_int(r[0]))
          attached.push_back(json::object{{"id", sql_int(f[1])}, {"filename", sql_text(f[2])},
                                          {"content_type", sql_text(f[3])}, {"size", sql_int(f[4])}});
      items.push_back(std::move(cm));
    }
    return json::object{{"items", std::move(items)}};
  });
}

Result<json::object> App::add_comment(const Principal& p, const RecordType& t, std::int64_t id, const json::object& body) {
  ORDO_ASSIGN(TicketAccess a, ticket_access(p, t, true));
  ORDO_ASSIGN(CommentInput in, parse_comment(body));
  const Instant now = impl_->clock->now();
  Impl& im = *impl_;
  return im.store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(json::object rec, load_visible(c, t, id, a.scope));
    if (a.refused) return *a.refused;
    const bool customer = a.scope.public_only;
    if (in.internal && customer)
      return forbidden("internal notes are the provider's; as a customer you write public replies");
    const std::string label = ticket_label(t, rec);
    if (ticket_is_final(t, rec))
      return conflict(label + " is " + std::string(rec.at("status").as_string()) + ": it takes no more comments");
    ORDO_ASSIGN(auto ins, c.query("INSERT INTO comments (record_type, record_id, internal, body, author_id, author, created_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                  {t.name, id, std::int64_t{in.internal}, in.body, p.user_id, p.username, now}));
    const std::int64_t comment_id = sql_int(ins.at(0).at(0));
    const char* action = in.internal ? "note" : customer ? "customer_reply" : "reply";
    json::object data{{"comment_id", comment_id}};
    if (in.internal) data["internal"] = true;
    else if (!customer) data["public"] = true;  // the shape the SLA clock reads as a public agent reply
    data["body"] = in.body;
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, action, std::move(data)}));
    const std::string status = t.workflow ? std::string(rec.at("status").as_string()) : std::string();
    if (customer && status == "pending_customer" && t.workflow->allowed(status, "in_progress")) {
      // The customer answered: the ticket is the provider's move again (its SLA clock resumes).
      ORDO_ASSIGN(rec, transition_in(c, *im.sla, *im.hooks, *im.registry, p, t, id, json::object{{"to", "in_progress"}}, now));
    } else if (!in.internal && !customer && !t.sla_resolved_state.empty()) {
      ORDO_TRY(im.sla->refresh(c, t, id, now));  // a public agent reply may meet the response target
    }
    ORDO_ASSIGN(auto followers, ticket_followers(c, t, rec));
    const std::string what = in.internal ? " added an internal note on " : customer ? " (customer) replied on " : " replied on ";
    ORDO_TRY(notify(c, followers, {t.name, id, action, p.username + what + label + ": " + excerpt(in.body, 140),
                                   p.user_id, in.internal, now}));
    ORDO_ASSIGN(auto rows, c.query("SELECT id, record_type, record_id, internal, body, author_id, author, created_at "
                                   "FROM comments WHERE id = ?",
                                   {comment_id}));
    return comment_json(rows.at(0));
  });
}

// --- Watchers ---

Result<json::object> App::watchers(const Principal& p, const RecordType& t, std::int64_t id) {
  ORDO_ASSIGN(TicketAccess a, ticket_access(p, t, false));
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(load_visible(c, t, id, a.scope));
    ORDO_ASSIGN(auto rows, c.query("SELECT w.user_id, w.created_at, u.username, u.display_name, u.organisation "
                                   "FROM watchers w LEFT JOIN users u ON u.id = w.user_id "
                                   "WHERE w.record_type = ? AND w.record_id = ? ORDER BY w.created_at, w.user_id",
                                   {t.name, id}));
    json::array items;
    for (const auto& r : rows) {
      // Requesters see the watchers of their own organisation, not the provider's people.
      if (a.scope.public_only && (sql_null(r[4]) || !p.organisation || sql_int(r[4]) != *p.organisation)) continue;
      items.push_back(json::object{{"user", sql_int(r[0])},
                                   {"username", sql_text(r[2])},
                                   {"display_name", sql_text(r[3])},
                                   {"since", format_rfc3339(sql_int(r[1]))}});
    }
    return json::object{{"items", std::move(items)}};
  });
}

Result<json::object> App::add_watcher(const Principal& p, const RecordType& t, std::int64_t id, const json::object& body) {
  ORDO_ASSIGN(TicketAccess a, ticket_access(p, t, true));
  std::optional<std::int64_t> user;
  std::vector<FieldError> errors;
  for (const auto& [k, v] : body) {
    if (k == "user" && v.is_int64() && v.as_int64() > 0) user = v.as_int64();
    else if (k == "user") errors.push_back({"user", "must be a user id"});
    else errors.push_back({std::string(k), "unknown field (user)"});
  }
  if (!user && errors.empty()) errors.push_back({"user", "is required"});
  if (!errors.empty()) return invalid("invalid watcher", std::move(errors));
  const Instant now = impl_->clock->now();
  return impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(load_visible(c, t, id, a.scope));
    if (a.refused) return *a.refused;
    if (a.scope.public_only && *user != p.user_id) return forbidden("as a customer you may add only yourself as a watcher");
    ORDO_ASSIGN(auto info, user_info(c, *user));
    if (!info) return field_error("user", "no user with id " + std::to_string(*user));
    if (info->disabled) return field_error("user", "is disabled");
    const bool staff = !only_requester(info->roles);
    if (!staff && *user != p.user_id) return forbidden("customers add themselves as watchers; staff add staff");
    ORDO_ASSIGN(std::int64_t n, c.exec("INSERT INTO watchers (record_type, record_id, user_id, created_at) VALUES (?, ?, ?, ?) "
                                       "ON CONFLICT (record_type, record_id, user_id) DO NOTHING",
                                       {t.name, id, *user, now}));
    if (n == 1) {
      json::object data{{"user", *user}};
      if (staff) data["internal"] = true;  // who at the provider follows a ticket is the provider's business
      ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, "watch", std::move(data)}));
    }
    ORDO_ASSIGN(auto since, c.query("SELECT created_at FROM watchers WHERE record_type = ? AND record_id = ? AND user_id = ?",
                                    {t.name, id, *user}));
    return json::object{{"user", *user},
                        {"username", info->username},
                        {"display_name", info->display_name},
                        {"since", format_rfc3339(sql_int(since.at(0).at(0)))},
                        {"added", n == 1}};
  });
}

Result<void> App::remove_watcher(const Principal& p, const RecordType& t, std::int64_t id, std::int64_t user_id) {
  ORDO_ASSIGN(TicketAccess a, ticket_access(p, t, true));
  const Instant now = impl_->clock->now();
  return impl_->store->write([&](SqlConn& c) -> Result<void> {
    ORDO_TRY(load_visible(c, t, id, a.scope));
    if (a.refused) return *a.refused;
    if (a.scope.public_only && user_id != p.user_id) return forbidden("as a customer you may remove only yourself");
    ORDO_ASSIGN(std::int64_t n, c.exec("DELETE FROM watchers WHERE record_type = ? AND record_id = ? AND user_id = ?",
                                       {t.name, id, user_id}));
    if (n == 0) return {};
    ORDO_ASSIGN(auto info, user_info(c, user_id));
    json::object data{{"user", user_id}};
    if (!info || !only_requester(info->roles)) data["internal"] = true;
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, "unwatch", std::move(data)}));
    return {};
  });
}

}  // namespace ordo
