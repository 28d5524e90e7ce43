// Bad input gets application/problem+json and changes nothing; never a 500.
#include <set>

#include <boost/json.hpp>

#include "api/api_fixture.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

std::int64_t count_incidents(HttpClient& c) {
  return c.get("/api/v1/incidents?count=true").json().at("total").as_int64();
}

void expect_problem(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
  auto j = r.json();
  EXPECT_EQ(j.at("status"), status);
  EXPECT_TRUE(j.at("title").is_string());
  EXPECT_TRUE(j.at("type").is_string());
}

TEST_P(ApiTest, MalformedBodiesAre400AndChangeNothing) {
  const char* bodies[] = {
      "{",                                                // malformed JSON
      "[1,2]",                                            // not an object
      R"({"title":5,"impact":1,"urgency":1})",             // wrong type
      R"({"title":"x","impact":"1","urgency":1})",         // number as string
      R"({"title":"x","impact":1.5,"urgency":1})",         // not an integer
      R"({"title":"x","impact":1,"urgency":1,"bogus":1})", // unknown field
      R"({"impact":1,"urgency":1})",                       // missing required
      R"({"title":"x","impact":9,"urgency":1})",           // out of range
      R"({"title":"x","impact":1,"urgency":1,"priority":"P1"})",  // derived
      R"({"title":"x","impact":1,"urgency":1,"number":"INC-1"})", // system field
      R"({"title":"x","impact":1,"urgency":1,"reported_at":"soon"})",
      "\xff\xfe",                                         // not UTF-8
  };
  for (const char* b : bodies) {
    auto r = client().post("/api/v1/incidents", b);
    expect_problem(r, 400);
  }
  EXPECT_EQ(count_incidents(client()), 0);
}

TEST_P(ApiTest, ValidationErrorsNameTheField) {
  auto r = client().post("/api/v1/incidents", R"({"title":"x","impact":7,"urgency":1,"bogus":true})");
  expect_problem(r, 400);
  auto errors = r.json().at("errors").as_array();
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_TRUE(fields.count("impact"));
  EXPECT_TRUE(fields.count("bogus"));
}

TEST_P(ApiTest, OversizedBodyIs413) {
  std::string big = R"({"title":")" + std::string(2 * 1024 * 1024, 'a') + R"(","impact":1,"urgency":1})";
  auto fresh = anonymous();
  fresh.bearer = client().bearer;
  auto r = fresh.post("/api/v1/incidents", big);
  expect_problem(r, 413);
  EXPECT_EQ(count_incidents(client()), 0);
}

TEST_P(ApiTest, UnknownRoutesAndMethods) {
  expect_problem(client().get("/api/v1/nosuchthings"), 404);
  expect_problem(client().get("/api/v1/incidents/abc"), 404);
  expect_problem(client().get("/api/v1/incidents/99999999999999999999999"), 404);
  expect_problem(client().get("/nowhere"), 404);
  auto r = client().request("DELETE", "/api/v1/incidents");
  expect_problem(r, 405);
  EXPECT_FALSE(r.header("allow").empty());
}

TEST_P(ApiTest, WrongContentTypeIs415) {
  auto r = client().request("POST", "/api/v1/incidents", R"({"title":"x","impact":1,"urgency":1})",
                            {{"Content-Type", "text/plain"}});
  expect_problem(r, 415);
}

TEST_P(ApiTest, MalformedIfMatchIs400) {
  auto rec = create("organisations", R"({"name":"Initech","kind":"customer"})");
  auto r = client().patch("/api/v1/organisations/" + std::to_string(rec.at("id").as_int64()), R"({"name":"I"})",
                          {{"If-Match", "yesterday"}});
  expect_problem(r, 400);
}

TEST_P(ApiTest, MalformedHttpGetsAnAnswerNotACrash) {
  auto answer = anonymous().raw("GARBAGE\r\n\r\n");
  EXPECT_NE(answer.find("400"), std::string::npos) << answer;
  EXPECT_EQ(client().get("/healthz").status, 200) << "the server is still up";
}

}  // namespace
}  // namespace ordo::testing
