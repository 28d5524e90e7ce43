// The service request routes beyond the generic record ones: the approver's decision.
#include <cassert>

#include "app/app.h"
#include "http/handlers.h"
#include "http/headers.h"

namespace ordo {

Response approval_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto id = record_id(params);
  if (!id) return error_response(req, id.error());
  auto version = parse_if_match(req.header("if-match"));
  if (!version) return error_response(req, version.error());
  auto body = parse_json_object(req.body);
  if (!body) return error_response(req, body.error());
  auto rec = app.decide_approval(*p, *id, *version, *body);
  if (!rec) return error_response(req, rec.error());
  Response r = json_response(200, *rec);
  set_etag(r, *rec);
  return r;
}

}  // namespace ordo
