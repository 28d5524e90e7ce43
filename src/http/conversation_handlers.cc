// The ticket conversation routes (comments, attachments, watchers) and the caller's
// notifications: one App call each (src/app/conversation.cc, attachments.cc,
// notifications.cc). Attachment downloads go out through http/download.h.
#include <cassert>

#include <fmt/format.h>

#include "app/app.h"
#include "http/download.h"
#include "http/handlers.h"

namespace ordo {

namespace {

// The {type} and {id} of a ticket route, then `call(type, id)` → JSON with `status`.
template <class Call>
Response ticket_call(App& app, const Request& req, const PathParams& params, unsigned status, Call call) {
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto out = call(**t, *id);
  if (!out) return error_response(req, out.error());
  return json_response(status, *out);
}

}  // namespace

Response list_comments_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  return ticket_call(app, req, params, 200, [&](const RecordType& t, std::int64_t id) { return app.comments(*p, t, id); });
}

Response add_comment_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  return ticket_call(app, req, params, 201,
                     [&](const RecordType& t, std::int64_t id) { return app.add_comment(*p, t, id, *body); });
}

Response list_attachments_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  return ticket_call(app, req, params, 200, [&](const RecordType& t, std::int64_t id) { return app.attachments(*p, t, id); });
}

Response upload_attachment_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  std::int64_t id = 0;
  Response r = ticket_call(app, req, params, 201, [&](const RecordType& t, std::int64_t ticket) {
    auto meta = app.add_attachment(*p, t, ticket, req.target.query, req.body);
    if (meta) id = meta->at("id").as_int64();
    return meta;
  });
  if (id) r.set_header("Location", fmt::format("/api/v1/attachments/{}", id));
  return r;
}

Response get_attachment_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto file = app.attachment(*p, *id, false);
  if (!file) return error_response(req, file.error());
  return json_response(200, file->meta);
}

Response attachment_content_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto file = app.attachment(*p, *id, true);
  if (!file) return error_response(req, file.error());
  return file_response(std::move(file->bytes), file->meta.at("content_type").as_string(),
                       file->meta.at("filename").as_string());
}

Response list_watchers_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  return ticket_call(app, req, params, 200, [&](const RecordType& t, std::int64_t id) { return app.watchers(*p, t, id); });
}

Response add_watcher_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  bool added = false;
  Response r = ticket_call(app, req, params, 200, [&](const RecordType& t, std::int64_t id) {
    auto w = app.add_watcher(*p, t, id, *body);
    if (w) added = w->at("added").as_bool(), w->erase("added");
    return w;
  });
  if (r.status == 200 && added) r.status = 201;  // 200: they already watched
  return r;
}

Response remove_watcher_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto user = record_id(params, "user");
  if (!user) return error_response(req, user.error());
  auto done = app.remove_watcher(*p, **t, *id, *user);
  if (!done) return error_response(req, done.error());
  Response r;
  r.status = 204;
  return r;
}

Response list_notifications_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  auto page = app.notifications(*p, req.target.query);
  if (!page) return error_response(req, page.error());
  return json_response(200, *page);
}

Response read_notification_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto n = app.read_notification(*p, *id);
  if (!n) return error_response(req, n.error());
  return json_response(200, *n);
}

Response read_all_notifications_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  auto n = app.read_all_notifications(*p);
  if (!n) return error_response(req, n.error());
  return json_response(200, *n);
}

}  // namespace ordo
