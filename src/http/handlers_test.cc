#include "http/handlers.h"

#include <gtest/gtest.h>

namespace ordo {
namespace {

TEST(ParseJsonObjectTest, AcceptsObjects) {
  auto o = parse_json_object(R"({"title":"disk full","impact":1})");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->at("title").as_string(), "disk full");
}

TEST(ParseJsonObjectTest, MalformedJsonIs400NotAnException) {
  for (std::string_view bad : {"", "{", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "nul", "{\"a\":1}}", "\xff\xfe{}",
                               "{\"a\":\"\xc3\x28\"}"}) {
    auto r = parse_json_object(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
    EXPECT_EQ(r.error().message, "malformed JSON") << bad;
  }
}

TEST(ParseJsonObjectTest, DeepNestingIsRejectedNotACrash) {
  std::string deep(100000, '[');
  EXPECT_FALSE(parse_json_object(deep).ok());
  EXPECT_FALSE(parse_json_object("{\"a\":" + deep).ok());
}

TEST(ParseJsonObjectTest, NonObjectsAreRejected) {
  for (std::string_view v : {"[]", "[1]", "1", "\"s\"", "null", "true"}) {
    auto r = parse_json_object(v);
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_EQ(r.error().message, "request body must be a JSON object") << v;
  }
}

TEST(SetEtagTest, QuotedVersion) {
  Response r;
  set_etag(r, boost::json::object{{"id", 1}, {"version", 7}});
  EXPECT_EQ(r.header("ETag"), "\"7\"");
  Response none;
  set_etag(none, boost::json::object{{"id", 1}});
  EXPECT_FALSE(none.header("ETag"));
}

TEST(JsonResponseTest, SerialisesWithJsonContentType) {
  Response r = json_response(201, boost::json::object{{"a", 1}});
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"a":1})");
}

}  // namespace
}  // namespace ordo
