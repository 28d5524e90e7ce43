// ApiTest: an in-process Ordo on port 0 over a fresh database, once per backend.
// Each test gets its own database, a ManualClock, an initialised administrator and an
// HttpClient holding an API token for it.
//
//   TEST_P(ApiTest, CreatesIncident) { auto r = client().post("/api/v1/incidents", "{…}"); }
//   (instantiated for "sqlite" and "postgres" in api_fixture.cc)
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "app/app.h"
#include "http/server.h"
#include "http_client.h"

namespace ordo::testing {

inline constexpr const char* kAdminPassword = "correct horse battery staple";
inline constexpr Instant kTestStart = 1772442900;  // 2026-03-02T09:15:00Z

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Settings for the App under test; fixtures that need others override it.
  virtual void configure(AppOptions& options) {}

  HttpClient& client() { return *client_; }
  HttpClient anonymous() { return HttpClient(port_); }
  App& app() { return *app_; }
  ManualClock& clock() { return clock_; }
  std::uint16_t port() const { return port_; }
  const std::string& db_url() const { return url_; }

  // POST a JSON body and return the parsed record; fails the test unless 201.
  boost::json::object create(const std::string& plural, const std::string& body);
  // The ids of a provider org, a customer org and a service, created on demand.
  std::int64_t service_id();
  std::int64_t customer_id();
  // A new user with `roles` (and `organisation` for requesters) and a client holding their
  // API token; *user_id receives their id when given.
  HttpClient user_client(const std::string& username, const std::vector<std::string>& roles,
                         std::optional<std::int64_t> organisation = std::nullopt, std::int64_t* user_id = nullptr);

 private:
  ManualClock clock_{kTestStart};
  std::string url_;
  std::unique_ptr<App> app_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
  std::int64_t service_id_ = 0, customer_id_ = 0;
};

}  // namespace ordo::testing
