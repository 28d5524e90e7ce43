// Request and Response: the HTTP layer's own small message types, free of Beast, so that
// handlers are pure functions (Request -> Response) testable without a socket, in the
// manner of the Boost.Beast example servers' handle_request().
//
// The server (server.cc) builds a Request from the wire message and turns the Response back
// into one. Plain value types; no thread-safety concerns.
//
//   auto target = parse_target("/api/v1/incidents?status=new&limit=10");
//   Request req{.method = "GET", .target = std::move(*target)};
//   req.header("authorization");  // case-insensitive, nullopt when absent
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/app.h"  // QueryParams
#include "domain/result.h"

namespace ordo {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The request target, decoded with Boost.URL: path segments and query parameters are
// percent-decoded ('+' in the query is a space), kept in order.
struct Target {
  std::string path;                   // as sent, still percent-encoded (never logged raw)
  std::vector<std::string> segments;  // decoded; "/" -> {}, "/a/b/" -> {"a", "b", ""}
  QueryParams query;                  // decoded key/value pairs in order ("k" -> {"k", ""})
};

// kInvalid unless `target` is origin-form (starts with "/", no fragment) and well encoded.
Result<Target> parse_target(std::string_view target);

struct Request {
  std::string method;       // "GET", "POST", ... as sent (HTTP methods are case-sensitive)
  Target target;
  HeaderList headers;       // names in lower case
  std::string body;
  std::string source;       // client address, for throttling and audit
  std::string request_id;   // sanitised X-Request-Id or a generated one

  // The first header named `name` (case-insensitive); nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type;  // empty: no body, no Content-Type
  std::string body;
  HeaderList headers;        // extra headers (Set-Cookie, Location, ETag, Allow, ...)

  // Replaces an existing header of that name or appends it.
  void set_header(std::string_view name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;
};

// Case-insensitive ASCII comparison of header names and tokens.
bool iequals(std::string_view a, std::string_view b);

}  // namespace ordo
