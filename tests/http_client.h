// HttpClient: a small synchronous HTTP/1.1 client for API and process tests (Beast).
// One keep-alive connection to 127.0.0.1:port, reopened when the server closed it.
// Not thread-safe: one client per thread.
//
//   HttpClient c(port);
//   c.bearer = token;
//   auto r = c.post("/api/v1/incidents", R"({"title":"x","impact":1,"urgency":1})");
//   EXPECT_EQ(r.status, 201);  r.json().at("number")
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace ordo::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  boost::json::value json() const;  // parses body; throws on malformed JSON
  std::string header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  std::string bearer;      // sent as Authorization: Bearer … when set
  std::string cookie;      // sent as Cookie when set
  std::string csrf_token;  // sent as X-CSRF-Token when set

  HttpResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                       const std::map<std::string, std::string>& headers = {});
  HttpResponse get(std::string_view target) { return request("GET", target); }
  HttpResponse post(std::string_view target, std::string_view body) { return request("POST", target, body); }
  HttpResponse patch(std::string_view target, std::string_view body, const std::map<std::string, std::string>& h = {}) {
    return request("PATCH", target, body, h);
  }
  // Raw bytes on a fresh connection; returns what the server answered (for malformed HTTP).
  std::string raw(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_;
};

}  // namespace ordo::testing
