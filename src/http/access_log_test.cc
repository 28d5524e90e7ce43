#include "http/access_log.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace ordo {
namespace {

TEST(AccessLogTest, RequestLineHasTheContractFields) {
  std::string fields = format_request_fields(
      {.request_id = "r1", .method = "GET", .route = "/api/v1/{type}/{id}", .status = 200, .duration_ms = 1.23456, .bytes = 512});
  auto o = boost::json::parse("{\"ts\":\"t\",\"level\":\"info\"," + fields + "}").as_object();
  EXPECT_EQ(o.at("msg").as_string(), "request");
  EXPECT_EQ(o.at("request_id").as_string(), "r1");
  EXPECT_EQ(o.at("method").as_string(), "GET");
  EXPECT_EQ(o.at("route").as_string(), "/api/v1/{type}/{id}");
  EXPECT_EQ(o.at("status").to_number<int>(), 200);
  EXPECT_DOUBLE_EQ(o.at("duration_ms").to_number<double>(), 1.235);
  EXPECT_NE(fields.find("\"duration_ms\":1.235,"), std::string::npos) << fields;  // no exponent notation
  EXPECT_EQ(o.at("bytes").to_number<int>(), 512);
}

TEST(AccessLogTest, EventValuesAreEscaped) {
  std::string fields = format_event_fields("handler threw", {{"error", "bad \"x\"\n"}});
  auto o = boost::json::parse("{" + fields + "}").as_object();
  EXPECT_EQ(o.at("msg").as_string(), "handler threw");
  EXPECT_EQ(o.at("error").as_string(), "bad \"x\"\n");
}

}  // namespace
}  // namespace ordo
