#include "api/api_fixture.h"

#include "test_db.h"

namespace ordo::testing {

namespace json = boost::json;

void ApiTest::SetUp() {
  url_ = fresh_url(GetParam());
  auto init = init_database({url_, "admin", kAdminPassword, true, &clock_});
  ASSERT_TRUE(init) << init.error().message;
  AppOptions o;
  o.db_url = url_;
  o.clock = &clock_;
  o.fast_password_hashing = true;
  configure(o);
  auto app = App::open(o);
  ASSERT_TRUE(app) << app.error().message;
  app_ = std::move(*app);
  ServerOptions so;
  so.port = 0;
  so.worker_threads = 16;
  so.quick_reads_inline = url_.rfind("sqlite:", 0) == 0;  // as `ordo serve` does
  server_ = std::make_unique<Server>(*app_, so);
  auto port = server_->start();
  ASSERT_TRUE(port) << port.error().message;
  port_ = *port;
  // An API token for the administrator, made through the real login path.
  auto session = app_->login("admin", kAdminPassword, "test");
  ASSERT_TRUE(session) << session.error().message;
  auto principal = app_->authenticate_session(session->token);
  ASSERT_TRUE(principal);
  auto token = app_->create_token(*principal, json::object{{"name", "tests"}});
  ASSERT_TRUE(token) << token.error().message;
  client_ = std::make_unique<HttpClient>(port_);
  client_->bearer = std::string(token->at("token").as_string());
}

void ApiTest::TearDown() {
  client_.reset();
  if (server_) server_->stop();
  server_.reset();
  app_.reset();
}

json::object ApiTest::create(const std::string& plural, const std::string& body) {
  auto r = client().post("/api/v1/" + plural, body);
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return {};
  return r.json().as_object();
}

std::int64_t ApiTest::customer_id() {
  if (!customer_id_) customer_id_ = create("organisations", R"({"name":"Acme","kind":"customer"})").at("id").as_int64();
  return customer_id_;
}

std::int64_t ApiTest::service_id() {
  if (!service_id_) service_id_ = create("services", R"({"name":"Email"})").at("id").as_int64();
  return service_id_;
}

HttpClient ApiTest::user_client(const std::string& username, const std::vector<std::string>& roles,
                               std::optional<std::int64_t> organisation, std::int64_t* user_id) {
  json::array r;
  for (const auto& role : roles) r.push_back(json::string(role));
  json::object body{{"username", username}, {"password", "a long test password"}, {"roles", std::move(r)}};
  if (organisation) body["organisation"] = *organisation;
  auto u = app_->create_user(app_->system_principal(), body);
  EXPECT_TRUE(u) << u.error().message;
  if (u && user_id) *user_id = u->at("id").as_int64();
  auto session = app_->login(username, "a long test password", "test");
  EXPECT_TRUE(session);
  auto principal = app_->authenticate_session(session->token);
  HttpClient c(port_);
  c.bearer = std::string(app_->create_token(*principal, json::object{{"name", "t"}})->at("token").as_string());
  return c;
}

INSTANTIATE_TEST_SUITE_P(Db, ApiTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace ordo::testing
