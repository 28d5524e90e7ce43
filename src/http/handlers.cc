#include "http/handlers.h"

#include <cassert>
#include <optional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "app/app.h"
#include "domain/clock.h"
#include "http/access_log.h"
#include "http/headers.h"
#include "http/metrics.h"
#include "http/problem.h"

namespace ordo {

Result<const RecordType*> record_type(App& app, const PathParams& params) {
  const RecordType* t = app.registry().by_plural(path_param(params, "type"));
  if (!t) return not_found("no such record type");
  return t;
}

Result<std::int64_t> record_id(const PathParams& params, std::string_view name) {
  auto id = parse_id(path_param(params, name));
  if (!id) return not_found("no such record");
  return *id;
}

namespace {

Response record_response(unsigned status, const boost::json::object& record) {
  Response r = json_response(status, record);
  set_etag(r, record);
  return r;
}

}  // namespace

Response json_response(unsigned status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.content_type = std::string(kJson);
  r.body = boost::json::serialize(body);
  return r;
}

Response error_response(const Request& req, const Error& e) {
  if (e.kind == ErrorKind::kInternal)
    log_event(LogLevel::kError, "internal error", {{"request_id", req.request_id}, {"error", e.message}});
  return problem_response(e);
}

Result<boost::json::object> parse_json_object(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return invalid("malformed JSON");
  if (!v.is_object()) return invalid("request body must be a JSON object");
  return std::move(v.as_object());
}

void set_etag(Response& r, const boost::json::object& record) {
  const boost::json::value* v = record.if_contains("version");
  if (!v) return;
  if (v->is_int64()) r.set_header("ETag", fmt::format("\"{}\"", v->get_int64()));
  else if (v->is_uint64()) r.set_header("ETag", fmt::format("\"{}\"", v->get_uint64()));
}

// --- Operations ---

Response health_handler(App& app, const Request& req, const PathParams&, const Principal*) {
  auto r = app.health();
  if (!r) {
    log_event(LogLevel::kWarn, "health check failed", {{"request_id", req.request_id}, {"error", r.error().message}});
    return problem_response(Error{ErrorKind::kUnavailable, "the database does not answer", {}, {}});
  }
  return json_response(200, boost::json::object{{"status", "ok"}});
}

Handler metrics_handler(const Metrics* metrics) {
  return [metrics](App& app, const Request&, const PathParams&, const Principal*) {
    Response r;
    r.content_type = std::string(kPrometheusContentType);
    r.body = metrics ? metrics->render(&app.store_stats()) : std::string();
    return r;
  };
}

// --- Authentication ---

Handler login_handler(bool secure_cookies) {
  return [secure_cookies](App& app, const Request& req, const PathParams&, const Principal*) {
    auto body = parse_json_object(req.body);
    if (!body) return error_response(req, body.error());
    const boost::json::value* user = body->if_contains("username");
    const boost::json::value* pass = body->if_contains("password");
    std::vector<FieldError> missing;
    if (!user || !user->is_string() || user->get_string().empty())
      missing.push_back({"username", "a non-empty string is required"});
    if (!pass || !pass->is_string() || pass->get_string().empty())
      missing.push_back({"password", "a non-empty string is required"});
    if (!missing.empty()) return error_response(req, invalid("validation failed", std::move(missing)));

    auto cookie = req.header("cookie");
    auto previous = cookie ? find_cookie(*cookie, kSessionCookie) : std::nullopt;
    auto session = app.login(user->get_string(), pass->get_string(), req.source, previous.value_or(""));
    if (!session) return error_response(req, session.error());
    Response r = json_response(200, boost::json::object{{"csrf_token", session->csrf_token},
                                                        {"user", session->user},
                                                        {"expires_at", format_rfc3339(session->expires_at)}});
    r.set_header("Set-Cookie", session_cookie(session->token, session->expires_at - app.clock().now(), secure_cookies));
    return r;
  };
}

Handler logout_handler(bool secure_cookies) {
  return [secure_cookies](App& app, const Request& req, const PathParams&, const Principal* p) {
    assert(p);
    if (p->via_session) {
      auto cookie = req.header("cookie");
      auto token = cookie ? find_cookie(*cookie, kSessionCookie) : std::nullopt;
      if (token) {
        auto r = app.logout(*token);
        if (!r && r.error().kind != ErrorKind::kNotFound) return error_response(req, r.error());
      }
    }
    Response r;
    r.status = 204;
    r.set_header("Set-Cookie", expired_session_cookie(secure_cookies));
    return r;
  };
}

Response create_token_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  auto token = app.create_token(*p, *body);
  if (!token) return error_response(req, token.error());
  return json_response(201, *token);
}

// --- Records ---

Response meta_handler(App& app, const Request&, const PathParams&, const Principal*) {
  return json_response(200, app.meta());
}

Response list_records_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto page = app.list(*p, **t, req.target.query);
  if (!page) return error_response(req, page.error());
  return json_response(200, *page);
}

Response create_record_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  auto rec = app.create(*p, **t, *body);
  if (!rec) return error_response(req, rec.error());
  Response r = record_response(201, *rec);
  if (const boost::json::value* id = rec->if_contains("id"); id && id->is_int64())
    r.set_header("Location", fmt::format("/api/v1/{}/{}", (*t)->plural, id->get_int64()));
  return r;
}

Response get_record_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto rec = app.get(*p, **t, *id);
  if (!rec) return error_response(req, rec.error());
  return record_response(200, *rec);
}

namespace {

// PATCH and transitions share their shape: type, id, If-Match, a JSON body, one App call.
template <class Call>
Response change_handler(App& app, const Request& req, const PathParams& params, Call call) {
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto version = parse_if_match(req.header("if-match"));
  if (!version) return error_response(req, version.error());
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  auto rec = call(**t, *id, *version, *body);
  if (!rec) return error_response(req, rec.error());
  return record_response(200, *rec);
}

}  // namespace

Response patch_record_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  return change_handler(app, req, params, [&](const RecordType& t, std::int64_t id, auto version, const auto& body) {
    return app.patch(*p, t, id, version, body);
  });
}

Response transition_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  return change_handler(app, req, params, [&](const RecordType& t, std::int64_t id, auto version, const auto& body) {
    return app.transition(*p, t, id, version, body);
  });
}

Response history_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto events = app.history(*p, **t, *id);
  if (!events) return error_response(req, events.error());
  return json_response(200, *events);
}

}  // namespace ordo

namespace ordo {

Response sla_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto sla = app.sla(*p, **t, *id);
  if (!sla) return error_response(req, sla.error());
  return json_response(200, *sla);
}

Response sla_report_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  bool csv = false;
  for (const auto& [k, v] : req.target.query)
    if (k == "format") {
      if (v != "csv" && v != "json") return error_response(req, field_error("format", "must be json or csv"));
      csv = v == "csv";
    }
  auto report = app.sla_report(*p, req.target.query);
  if (!report) return error_response(req, report.error());
  if (!csv) return json_response(200, *report);
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = sla_report_csv(*report);
  r.set_header("Content-Disposition", "attachment; filename=\"sla-report.csv\"");
  return r;
}

Response catalogue_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  auto cat = app.catalogue(*p, req.target.query);
  if (!cat) return error_response(req, cat.error());
  return json_response(200, *cat);
}

}  // namespace ordo
