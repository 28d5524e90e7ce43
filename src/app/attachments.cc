// Files attached to tickets (issue #5): stored outside the ticket row — metadata in
// `attachments`, the bytes in `attachment_content` (a BLOB / bytea, written in the same
// transaction, so every node of a PostgreSQL cluster serves them and a failed upload leaves
// nothing behind) — at most AttachmentOptions::max_bytes each, with the content type
// sniffed from the bytes by libmagic: what the client claims is never trusted (and never
// stored). Serving them safely is src/http/download.h's job.
//
// Each upload appends an "attachment" event to the ticket's chain: {"attachment_id",
// "filename", "size", "sha256", "content_type", "comment_id"?, "internal"?}; the sha256
// lets anyone prove later that the stored bytes are the ones uploaded.
#include <magic.h>

#include <algorithm>
#include <mutex>

#include <boost/json.hpp>

#include "app/conversation.h"
#include "app/notifications.h"
#include "domain/attachment.h"
#include "domain/list_query.h"
#include "store/event_log.h"

namespace ordo {

namespace json = boost::json;

namespace {

Error forbidden(std::string msg) { return Error{ErrorKind::kForbidden, std::move(msg), {}, {}}; }

// One libmagic handle for the process (loading the database takes milliseconds); a
// magic_t is not thread-safe, so calls are serialised.
class Sniffer {
 public:
  Sniffer() {
    cookie_ = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
    if (cookie_ && magic_load(cookie_, nullptr) != 0) {
      magic_close(cookie_);
      cookie_ = nullptr;
    }
  }
  ~Sniffer() {
    if (cookie_) magic_close(cookie_);
  }
  std::string sniff(std::string_view bytes) {
    constexpr std::size_t kLook = 1 << 20;  // what libmagic needs; the rest of a file never changes its type
    std::lock_guard lock(mu_);
    const char* type = cookie_ ? magic_buffer(cookie_, bytes.data(), std::min(bytes.size(), kLook)) : nullptr;
    return type && *type ? std::string(type) : std::string("application/octet-stream");
  }

 private:
  std::mutex mu_;
  magic_t cookie_ = nullptr;
};

constexpr const char* kColumns =
    "SELECT id, record_type, record_id, comment_id, internal, filename, content_type, size, sha256, author_id, author, "
    "created_at FROM attachments ";

json::object attachment_json(const Registry& reg, const SqlRow& r) {
  const std::int64_t id = sql_int(r[0]);
  const RecordType* t = reg.by_name(sql_text(r[1]));
  return json::object{{"id", id},
                      {"record_type", sql_text(r[1])},
                      {"plural", t ? json::value(t->plural) : json::value(nullptr)},
                      {"record_id", sql_int(r[2])},
                      {"comment", sql_null(r[3]) ? json::value(nullptr) : json::value(sql_int(r[3]))},
                      {"internal", sql_int(r[4]) != 0},
                      {"filename", sql_text(r[5])},
                      {"content_type", sql_text(r[6])},
                      {"size", sql_int(r[7])},
                      {"sha256", sql_text(r[8])},
                      {"author_id", sql_int(r[9])},
                      {"author", sql_text(r[10])},
                      {"created_at", format_rfc3339(sql_int(r[11]))},
                      {"content_url", "/api/v1/attachments/" + std::to_string(id) + "/content"}};
}

struct UploadInput {
  std::string filename;
  std::optional<std::int64_t> comment;
};

Result<UploadInput> parse_upload(const QueryParams& params) {
  UploadInput in;
  std::vector<FieldError> errors;
  bool named = false;
  for (const auto& [k, v] : params) {
    if (k == "filename") {
      auto name = attachment_filename(v);
      if (!name) errors.push_back(name.error().fields.at(0));
      else in.filename = std::move(*name), named = true;
    } else if (k == "comment") {
      in.comment = parse_int64(v);
      if (!in.comment || *in.comment < 1) errors.push_back({"comment", "must be the id of a comment on this ticket"});
    } else {
      errors.push_back({k, "unknown parameter (filename, comment)"});
    }
  }
  if (!named && errors.empty()) errors.push_back({"filename", "is required: ?filename=NAME"});
  if (!errors.empty()) return invalid("invalid upload", std::move(errors));
  return in;
}

}  // namespace

std::string sniff_content_type(std::string_view bytes) {
  static Sniffer sniffer;
  return sniffer.sniff(bytes);
}

std::int64_t App::attachment_max_bytes() const { return impl_->options.attachments.max_bytes; }

Result<json::object> App::add_attachment(const Principal& p, const RecordType& t, std::int64_t id,
                                         const QueryParams& params, std::string_view bytes) {
  ORDO_ASSIGN(TicketAccess a, ticket_access(p, t, true));
  ORDO_ASSIGN(UploadInput in, parse_upload(params));
  const std::int64_t max = impl_->options.attachments.max_bytes;
  if (static_cast<std::int64_t>(bytes.size()) > max)
    return Error{ErrorKind::kTooLarge,
                 "the file has " + std::to_string(bytes.size()) + " bytes; attachments may have at most " +
                     std::to_string(max),
                 {}, {}};
  if (bytes.empty()) return field_error("body", "is empty: send the file's bytes as the request body");
  const std::string type = sniff_content_type(bytes);
  const std::string sha = sha256_hex(bytes);
  const auto size = static_cast<std::int64_t>(bytes.size());
  const Instant now = impl_->clock->now();
  Impl& im = *impl_;
  return im.store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(json::object rec, load_visible(c, t, id, a.scope));
    if (a.refused) return *a.refused;
    const std::string label = ticket_label(t, rec);
    if (ticket_is_final(t, rec))
      return conflict(label + " is " + std::string(rec.at("status").as_string()) + ": it takes no more files");
    bool internal = false;
    if (in.comment) {
      ORDO_ASSIGN(auto cm, c.query("SELECT internal, author_id FROM comments WHERE id = ? AND record_type = ? AND record_id = ?",
                                   {*in.comment, t.name, id}));
      if (cm.empty() || (a.scope.public_only && sql_int(cm[0][0]) != 0))
        return field_error("comment", "no comment " + std::to_string(*in.comment) + " on " + label);
      if (sql_int(cm[0][1]) != p.user_id) return forbidden("files are attached to your own comments (or to the ticket)");
      internal = sql_int(cm[0][0]) != 0;
    }
    ORDO_ASSIGN(auto ins, c.query("INSERT INTO attachments (record_type, record_id, comment_id, internal, filename, "
                                  "content_type, size, sha256, author_id, author, created_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                  {t.name, id, in.comment ? SqlValue{*in.comment} : SqlValue{}, std::int64_t{internal},
                                   in.filename, type, size, sha, p.user_id, p.username, now}));
    const std::int64_t aid = sql_int(ins.at(0).at(0));
    ORDO_TRY(c.exec("INSERT INTO attachment_content (attachment_id, bytes) VALUES (?, ?)",
                    {aid, SqlBlob{std::string(bytes)}}));
    json::object data{{"attachment_id", aid}, {"filename", in.filename}, {"size", size},
                      {"sha256", sha},        {"content_type", type}};
    if (in.comment) data["comment_id"] = *in.comment;
    if (internal) data["internal"] = true;
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, "attachment", std::move(data)}));
    if (!in.comment) {  // a file on a comment is announced with the comment
      ORDO_ASSIGN(auto followers, ticket_followers(c, t, rec));
      ORDO_TRY(notify(c, followers, {t.name, id, "attachment", p.username + " attached " + in.filename + " to " + label,
                                     p.user_id, false, now}));
    }
    ORDO_ASSIGN(auto rows, c.query(std::string(kColumns) + "WHERE id = ?", {aid}));
    return attachment_json(*im.registry, rows.at(0));
  });
}

Result<json::object> App::attachments(const Principal& p, const RecordType& t, std::int64_t id) {
  ORDO_ASSIGN(TicketAccess a, ticket_access(p, t, false));
  const Registry& reg = *impl_->registry;
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(load_visible(c, t, id, a.scope));
    ORDO_ASSIGN(auto rows, c.query(std::string(kColumns) + "WHERE record_type = ? AND record_id = ?" +
                                       (a.scope.public_only ? " AND internal = 0" : "") + " ORDER BY id",
                                   {t.name, id}));
    json::array items;
    for (const auto& r : rows) items.push_back(attachment_json(reg, r));
    return json::object{{"items", std::move(items)}};
  });
}

Result<App::AttachmentFile> App::attachment(const Principal& p, std::int64_t attachment_id, bool with_content) {
  const Registry& reg = *impl_->registry;
  auto gone = [&] { return not_found("no attachment with id " + std::to_string(attachment_id)); };
  return impl_->store->read([&](SqlConn& c) -> Result<AttachmentFile> {
    ORDO_ASSIGN(auto rows, c.query(std::string(kColumns) + "WHERE id = ?", {attachment_id}));
    if (rows.empty()) return gone();
    const RecordType* t = reg.by_name(sql_text(rows[0][1]));
    if (!t) return gone();
    // Visible exactly when its ticket is, and for public-only callers when it is public.
    auto a = ticket_access(p, *t, false);
    if (!a) return gone();
    if (auto rec = load_visible(c, *t, sql_int(rows[0][2]), a->scope); !rec)
      return rec.error().kind == ErrorKind::kNotFound ? gone() : rec.take_error();
    if (a->scope.public_only && sql_int(rows[0][4]) != 0) return gone();
    AttachmentFile f{attachment_json(reg, rows[0]), {}};
    if (with_content) {
      ORDO_ASSIGN(auto content, c.query("SELECT bytes FROM attachment_content WHERE attachment_id = ?", {attachment_id}));
      std::string* bytes = content.empty() ? nullptr : std::get_if<std::string>(&content[0][0]);
      if (!bytes) return internal_error("attachment " + std::to_string(attachment_id) + " has no content");
      f.bytes = std::move(*bytes);
    }
    return f;
  });
}

}  // namespace ordo
