// Handlers for users, tokens and sessions: thin adapters from HTTP to the App calls.
#include <cassert>

#include "app/app.h"
#include "http/handlers.h"
#include "http/headers.h"

namespace ordo {

namespace {

Response no_content() {
  Response r;
  r.status = 204;
  return r;
}

// Runs an App call that returns a JSON object and answers `status` with it.
template <class F>
Response answer(const Request& req, unsigned status, F&& call) {
  auto r = call();
  if (!r) return error_response(req, r.error());
  return json_response(status, *r);
}

template <class F>
Response with_body(const Request& req, F&& use) {
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  return use(*body);
}

template <class F>
Response with_id(const Request& req, const PathParams& params, F&& use) {
  auto id = parse_id(path_param(params, "id"));
  if (!id) return error_response(req, not_found("no such record"));
  return use(*id);
}

}  // namespace

Handler logout_all_handler(bool secure_cookies) {
  return [secure_cookies](App& app, const Request& req, const PathParams&, const Principal* p) {
    assert(p);
    auto r = app.logout_everywhere(*p);
    if (!r) return error_response(req, r.error());
    Response res = no_content();
    res.set_header("Set-Cookie", expired_session_cookie(secure_cookies));
    return res;
  };
}

Response list_tokens_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  return answer(req, 200, [&] { return app.list_tokens(*p); });
}

Response revoke_token_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  return with_id(req, params, [&](std::int64_t id) {
    auto r = app.revoke_token(*p, id);
    return r ? no_content() : error_response(req, r.error());
  });
}

// A browser session also gets its CSRF token back, so the web UI can write again after a
// reload without keeping the token anywhere. Cross-origin pages cannot read this answer.
Response me_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  return answer(req, 200, [&] {
    auto me = app.me(*p);
    if (me && p->via_session && !p->csrf_token.empty()) me->insert_or_assign("csrf_token", p->csrf_token);
    return me;
  });
}

Response list_users_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  return answer(req, 200, [&] { return app.list_users(*p, req.target.query); });
}

Response create_user_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  return with_body(req, [&](const boost::json::object& body) {
    auto u = app.create_user(*p, body);
    if (!u) return error_response(req, u.error());
    Response r = json_response(201, *u);
    r.set_header("Location", "/api/v1/users/" + std::to_string(u->at("id").as_int64()));
    return r;
  });
}

Response get_user_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  return with_id(req, params, [&](std::int64_t id) { return answer(req, 200, [&] { return app.get_user(*p, id); }); });
}

Response patch_user_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  return with_id(req, params, [&](std::int64_t id) {
    return with_body(req, [&](const boost::json::object& body) {
      return answer(req, 200, [&] { return app.patch_user(*p, id, body); });
    });
  });
}

Response audit_events_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  return answer(req, 200, [&] { return app.audit_events(*p, req.target.query); });
}

Response set_password_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  return with_id(req, params, [&](std::int64_t id) {
    return with_body(req, [&](const boost::json::object& body) {
      auto r = app.set_password(*p, id, body);
      return r ? no_content() : error_response(req, r.error());
    });
  });
}

}  // namespace ordo
