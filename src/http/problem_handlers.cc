// Problem management routes (docs/problems.md): linking incidents to a problem, raising a
// problem from incidents, and the incident trend report. The problem and known-error
// records themselves are served by the generic record routes (/api/v1/problems, …).
#include <cassert>

#include <fmt/format.h>

#include "app/app.h"
#include "http/handlers.h"

namespace ordo {

Response problem_incidents_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto page = app.problem_incidents(*p, *id, req.target.query);
  if (!page) return error_response(req, page.error());
  return json_response(200, *page);
}

Response link_problem_incidents_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  auto out = app.link_problem_incidents(*p, *id, *body);
  if (!out) return error_response(req, out.error());
  return json_response(200, *out);
}

Response unlink_problem_incident_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto incident = record_id(params, "incident_id");
  if (!incident) return error_response(req, incident.error());
  auto done = app.unlink_problem_incident(*p, *id, *incident);
  if (!done) return error_response(req, done.error());
  Response r;
  r.status = 204;
  return r;
}

Response problem_from_incidents_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  auto rec = app.problem_from_incidents(*p, *body);
  if (!rec) return error_response(req, rec.error());
  Response r = json_response(201, *rec);
  set_etag(r, *rec);
  if (const boost::json::value* id = rec->if_contains("id"); id && id->is_int64())
    r.set_header("Location", fmt::format("/api/v1/problems/{}", id->get_int64()));
  return r;
}

Response incident_trends_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  auto report = app.incident_trends(*p, req.target.query);
  if (!report) return error_response(req, report.error());
  return json_response(200, *report);
}

}  // namespace ordo
