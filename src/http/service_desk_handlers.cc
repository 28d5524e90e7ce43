// The service desk routes: the satisfaction survey, queues, search and the ticket KPIs.
#include <cassert>

#include "app/app.h"
#include "http/handlers.h"

namespace ordo {

Response survey_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto t = record_type(app, params);
  if (!t) return error_response(req, t.error());
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  auto answer = app.answer_survey(*p, **t, *id, *body);
  if (!answer) return error_response(req, answer.error());
  return json_response(201, *answer);
}

namespace {

// GET handlers that pass the query string to one App call and return its JSON.
template <class Call>
Response query_response(const Request& req, Call call) {
  auto out = call(req.target.query);
  if (!out) return error_response(req, out.error());
  return json_response(200, *out);
}

}  // namespace

Response queues_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  return query_response(req, [&](const QueryParams& q) { return app.queues(*p, q); });
}

Response search_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  return query_response(req, [&](const QueryParams& q) { return app.search(*p, q); });
}

Response ticket_report_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  return query_response(req, [&](const QueryParams& q) { return app.ticket_report(*p, q); });
}

}  // namespace ordo
