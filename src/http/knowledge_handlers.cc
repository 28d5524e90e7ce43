// Knowledge (docs/knowledge.md): the readers' view GET /api/v1/knowledge and an article's
// published revisions GET /api/v1/knowledge_articles/{id}/revisions. Articles themselves
// are written and read through the generic record routes (/api/v1/knowledge_articles).
#include <cassert>

#include "app/app.h"
#include "http/handlers.h"
#include "http/headers.h"

namespace ordo {

Response knowledge_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  auto page = app.knowledge(*p, req.target.query);
  if (!page) return error_response(req, page.error());
  return json_response(200, *page);
}

Response knowledge_revisions_handler(App& app, const Request& req, const PathParams& params, const Principal* p) {
  assert(p);
  auto id = parse_id(path_param(params, "id"));
  if (!id) return error_response(req, not_found("no such knowledge article"));
  auto revisions = app.knowledge_revisions(*p, *id);
  if (!revisions) return error_response(req, revisions.error());
  return json_response(200, *revisions);
}

}  // namespace ordo
