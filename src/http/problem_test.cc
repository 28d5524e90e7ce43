#include "http/problem.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace ordo {
namespace {

boost::json::object parse(const std::string& s) { return boost::json::parse(s).as_object(); }

TEST(ProblemTest, MapsEveryErrorKindToItsStatus) {
  EXPECT_EQ(http_status(ErrorKind::kInvalid), 400u);
  EXPECT_EQ(http_status(ErrorKind::kNotFound), 404u);
  EXPECT_EQ(http_status(ErrorKind::kConflict), 409u);
  EXPECT_EQ(http_status(ErrorKind::kPreconditionFailed), 412u);
  EXPECT_EQ(http_status(ErrorKind::kUnauthenticated), 401u);
  EXPECT_EQ(http_status(ErrorKind::kForbidden), 403u);
  EXPECT_EQ(http_status(ErrorKind::kTooLarge), 413u);
  EXPECT_EQ(http_status(ErrorKind::kTooManyRequests), 429u);
  EXPECT_EQ(http_status(ErrorKind::kUnavailable), 503u);
  EXPECT_EQ(http_status(ErrorKind::kInternal), 500u);
}

TEST(ProblemTest, RendersTypeTitleStatusDetail) {
  auto o = parse(render_problem(not_found("no such incident")));
  EXPECT_EQ(o.at("type").as_string(), "https://ordo.dev/problems/not-found");
  EXPECT_EQ(o.at("title").as_string(), "Not found");
  EXPECT_EQ(o.at("status").to_number<int>(), 404);
  EXPECT_EQ(o.at("detail").as_string(), "no such incident");
  EXPECT_FALSE(o.contains("errors"));
  EXPECT_FALSE(o.contains("allowed"));
}

TEST(ProblemTest, ValidationErrorsListFields) {
  auto o = parse(render_problem(invalid("validation failed", {{"title", "required"}, {"impact", "1..3"}})));
  ASSERT_TRUE(o.contains("errors"));
  const auto& errors = o.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("field").as_string(), "title");
  EXPECT_EQ(errors[0].at("message").as_string(), "required");
  EXPECT_EQ(errors[1].at("field").as_string(), "impact");
}

TEST(ProblemTest, IllegalTransitionListsAllowedTargets) {
  Error e{ErrorKind::kConflict, "cannot go from new to closed", {}, {"in_progress", "cancelled"}};
  Response r = problem_response(e);
  EXPECT_EQ(r.status, 409u);
  auto o = parse(r.body);
  ASSERT_TRUE(o.contains("allowed"));
  EXPECT_EQ(o.at("allowed").as_array().size(), 2u);
  EXPECT_EQ(o.at("allowed").as_array()[0].as_string(), "in_progress");
}

TEST(ProblemTest, InternalErrorNeverLeaksItsMessage) {
  Response r = problem_response(internal_error("SQLITE_CORRUPT at /var/lib/ordo/ordo.db"));
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.body.find("SQLITE"), std::string::npos);
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
  EXPECT_EQ(parse(r.body).at("type").as_string(), "https://ordo.dev/problems/internal");
}

TEST(ProblemTest, ContentTypeIsProblemJson) {
  EXPECT_EQ(problem_response(not_found("x")).content_type, "application/problem+json");
}

TEST(ProblemTest, UnauthenticatedCarriesWwwAuthenticate) {
  Response r = problem_response(Error{ErrorKind::kUnauthenticated, "authentication required", {}, {}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_TRUE(r.header("www-authenticate").has_value());
}

TEST(ProblemTest, HttpOnlyProblem) {
  Response r = problem_response(405, "method-not-allowed", "Method not allowed", "no DELETE here");
  EXPECT_EQ(r.status, 405u);
  auto o = parse(r.body);
  EXPECT_EQ(o.at("type").as_string(), "https://ordo.dev/problems/method-not-allowed");
  EXPECT_EQ(o.at("status").to_number<int>(), 405);
}

TEST(ProblemTest, DetailIsJsonEscaped) {
  auto o = parse(render_problem(invalid("bad \"quote\"\n<script>")));
  EXPECT_EQ(o.at("detail").as_string(), "bad \"quote\"\n<script>");
}

}  // namespace
}  // namespace ordo
