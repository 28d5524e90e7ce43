// POST /api/v1/import/incidents: the HTTP face of App::import_incidents (docs/import/ndjson.md).
// The body is NDJSON (the router checks Content-Type: application/x-ndjson for this route)
// and at most the server's body_limit; larger imports go through `ordo import incidents`.
#include <cassert>

#include "app/app.h"
#include "http/handlers.h"

namespace ordo {

Response import_incidents_handler(App& app, const Request& req, const PathParams&, const Principal* p) {
  assert(p);
  App::ImportOptions options;
  for (const auto& [k, v] : req.target.query) {
    if (k != "dry_run") return error_response(req, field_error(k, "unknown parameter (only dry_run)"));
    if (v != "true" && v != "false") return error_response(req, field_error("dry_run", "must be true or false"));
    options.dry_run = v == "true";
  }
  auto report = app.import_incidents(*p, req.body, options);
  if (!report) return error_response(req, report.error());
  return json_response(options.dry_run ? 200 : 201, *report);
}

}  // namespace ordo
