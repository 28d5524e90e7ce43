// In-app notifications (notifications.h): delivery inside write transactions, the status
// and assignment notices of every ticket type (an after-write hook), and each user's inbox.
//
// Reading and marking read are personal inbox state, not changes to a ticket: they append
// no event to the hash chain.
#include "app/notifications.h"

#include <algorithm>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/hooks.h"
#include "domain/list_query.h"

namespace ordo {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDefaultLimit = 50;
constexpr std::int64_t kMaxLimit = 200;

json::object notification_json(const Registry& reg, const SqlRow& r) {
  const std::string type = sql_text(r[2]);
  const RecordType* t = reg.by_name(type);
  return json::object{{"id", sql_int(r[0])},
                      {"at", format_rfc3339(sql_int(r[1]))},
                      {"record_type", type},
                      {"plural", t ? json::value(t->plural) : json::value(nullptr)},
                      {"record_id", sql_int(r[3])},
                      {"kind", sql_text(r[4])},
                      {"message", sql_text(r[5])},
                      {"read", !sql_null(r[6])},
                      {"read_at", sql_null(r[6]) ? json::value(nullptr) : json::value(format_rfc3339(sql_int(r[6])))}};
}

constexpr const char* kColumns = "SELECT id, at, record_type, record_id, kind, message, read_at FROM notifications ";

std::optional<std::int64_t> int_member(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

}  // namespace

Result<void> notify(SqlConn& c, std::span<const std::int64_t> users, const Notification& n) {
  std::vector<std::int64_t> ids(users.begin(), users.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (std::int64_t id : ids) {
    if (id <= 0 || id == n.actor_id) continue;
    ORDO_ASSIGN(auto rows, c.query("SELECT roles, disabled FROM users WHERE id = ?", {id}));
    if (rows.empty() || sql_int(rows[0][1]) != 0) continue;
    if (n.staff_only) {
      auto roles = split_roles(sql_text(rows[0][0]));
      if (std::all_of(roles.begin(), roles.end(), [](const std::string& r) { return r == "requester"; })) continue;
    }
    ORDO_TRY(c.exec("INSERT INTO notifications (user_id, at, record_type, record_id, kind, message) VALUES (?, ?, ?, ?, ?, ?)",
                    {id, n.at, n.record_type, n.record_id, n.kind, n.message}));
  }
  return {};
}

Result<std::vector<std::int64_t>> ticket_followers(SqlConn& c, const RecordType& t, const json::object& record) {
  std::vector<std::int64_t> out;
  ORDO_ASSIGN(auto rows, c.query("SELECT user_id FROM watchers WHERE record_type = ? AND record_id = ?",
                                 {t.name, record.at("id").as_int64()}));
  for (const auto& r : rows) out.push_back(sql_int(r[0]));
  if (t.field("assignee"))
    if (auto a = int_member(record, "assignee")) out.push_back(*a);
  return out;
}

std::string ticket_label(const RecordType& t, const json::object& record) {
  if (const json::value* n = record.if_contains("number"); n && n->is_string()) return std::string(n->as_string());
  return t.name + " " + std::to_string(record.at("id").as_int64());
}

// Every ticket type: its followers hear of status changes, a new assignee of the assignment.
void install_notification_hooks(HookTable& hooks, const Registry& reg, const AppOptions&) {
  for (const RecordType& type : reg.types()) {
    if (!type.is_ticket()) continue;
    const RecordType* t = &type;  // the registry outlives the hooks
    hooks.after(t->name, [t](WriteContext& ctx, const Change& ch, json::object& after) -> Result<void> {
      const Principal& p = ctx.principal;
      const std::string label = ticket_label(*t, after);
      if (ctx.before && !ctx.from_status.empty() && ch.status != ctx.from_status) {
        ORDO_ASSIGN(auto followers, ticket_followers(ctx.conn, *t, after));
        ORDO_TRY(notify(ctx.conn, followers, {t->name, ctx.id, "status",
                                              p.username + " moved " + label + " from " + ctx.from_status + " to " + ch.status,
                                              p.user_id, false, ctx.now}));
      }
      auto assignee = t->field("assignee") ? int_member(after, "assignee") : std::nullopt;
      auto before = ctx.before ? int_member(*ctx.before, "assignee") : std::nullopt;
      if (assignee && assignee != before) {
        std::int64_t who = *assignee;
        ORDO_TRY(notify(ctx.conn, {&who, 1}, {t->name, ctx.id, "assigned", p.username + " assigned " + label + " to you",
                                              p.user_id, true, ctx.now}));
      }
      return {};
    });
  }
}

// --- The inbox ---

Result<json::object> App::notifications(const Principal& p, const QueryParams& params) {
  bool unread = false;
  std::int64_t limit = kDefaultLimit;
  std::optional<std::int64_t> cursor;
  std::vector<FieldError> errors;
  for (const auto& [k, v] : params) {
    if (k == "unread") {
      if (v != "true" && v != "false") errors.push_back({"unread", "must be true or false"});
      unread = v == "true";
    } else if (k == "limit") {
      auto n = parse_int64(v);
      if (!n || *n < 1 || *n > kMaxLimit) errors.push_back({"limit", "must be 1 to 200"});
      else limit = *n;
    } else if (k == "cursor") {
      cursor = parse_int64(v);
      if (!cursor || *cursor < 1) errors.push_back({"cursor", "is not a cursor from a previous page"});
    } else {
      errors.push_back({k, "unknown parameter (unread, limit, cursor)"});
    }
  }
  if (!errors.empty()) return invalid("invalid notification query", std::move(errors));
  const Registry& reg = *impl_->registry;
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    std::string sql = std::string(kColumns) + "WHERE user_id = ?";
    std::vector<SqlValue> args{p.user_id};
    if (unread) sql += " AND read_at IS NULL";
    if (cursor) sql += " AND id < ?", args.push_back(*cursor);
    sql += " ORDER BY id DESC LIMIT ?";
    args.push_back(limit + 1);
    ORDO_ASSIGN(auto rows, c.query(sql, args));
    json::array items;
    for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i)
      items.push_back(notification_json(reg, rows[i]));
    json::value next = nullptr;
    if (rows.size() > static_cast<std::size_t>(limit)) next = std::to_string(sql_int(rows[static_cast<std::size_t>(limit) - 1][0]));
    ORDO_ASSIGN(auto count, c.query("SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", {p.user_id}));
    return json::object{{"items", std::move(items)}, {"next_cursor", next}, {"unread", sql_int(count.at(0).at(0))}};
  });
}

Result<json::object> App::read_notification(const Principal& p, std::int64_t notification_id) {
  const Instant now = impl_->clock->now();
  const Registry& reg = *impl_->registry;
  return impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(c.exec("UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL",
                    {now, notification_id, p.user_id}));
    ORDO_ASSIGN(auto rows, c.query(std::string(kColumns) + "WHERE id = ? AND user_id = ?", {notification_id, p.user_id}));
    if (rows.empty()) return not_found("no notification with id " + std::to_string(notification_id));
    return notification_json(reg, rows[0]);
  });
}

Result<json::object> App::read_all_notifications(const Principal& p) {
  const Instant now = impl_->clock->now();
  return impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(std::int64_t n, c.exec("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
                                       {now, p.user_id}));
    return json::object{{"marked", n}};
  });
}

}  // namespace ordo
