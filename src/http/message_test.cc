#include "http/message.h"

#include <gtest/gtest.h>

namespace ordo {
namespace {

using Segments = std::vector<std::string>;

TEST(ParseTargetTest, SplitsAndDecodesPath) {
  auto t = parse_target("/api/v1/incidents/42");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->segments, (Segments{"api", "v1", "incidents", "42"}));
  EXPECT_EQ(t->path, "/api/v1/incidents/42");
  EXPECT_TRUE(t->query.empty());
}

TEST(ParseTargetTest, RootAndTrailingSlash) {
  EXPECT_EQ(parse_target("/")->segments, Segments{});
  EXPECT_EQ(parse_target("/api/v1/incidents/")->segments, (Segments{"api", "v1", "incidents", ""}));
}

TEST(ParseTargetTest, EncodedSlashStaysInsideItsSegment) {
  auto t = parse_target("/api/v1/incidents%2F42");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->segments, (Segments{"api", "v1", "incidents/42"}));
}

TEST(ParseTargetTest, DecodesQueryInOrderWithPlusAsSpace) {
  auto t = parse_target("/api/v1/incidents?status=new&title.like=disk+full&sort=-created_at&q=caf%C3%A9&flag&status=x");
  ASSERT_TRUE(t.ok());
  QueryParams expected{{"status", "new"}, {"title.like", "disk full"}, {"sort", "-created_at"},
                       {"q", "caf\xC3\xA9"},   {"flag", ""},              {"status", "x"}};
  EXPECT_EQ(t->query, expected);
}

TEST(ParseTargetTest, RejectsNonOriginFormAndBadEscapes) {
  EXPECT_FALSE(parse_target("").ok());
  EXPECT_FALSE(parse_target("api/v1").ok());
  EXPECT_FALSE(parse_target("http://example.com/api").ok());
  EXPECT_FALSE(parse_target("/api/v1/%zz").ok());
  EXPECT_FALSE(parse_target("/api?x=%").ok());
  EXPECT_FALSE(parse_target("/a b").ok());
  EXPECT_FALSE(parse_target("*").ok());
}

TEST(RequestTest, HeaderLookupIsCaseInsensitive) {
  Request r;
  r.headers = {{"content-type", "application/json"}, {"x-csrf-token", "t"}};
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("X-CSRF-Token"), "t");
  EXPECT_FALSE(r.header("authorization"));
}

TEST(ResponseTest, SetHeaderReplaces) {
  Response r;
  r.set_header("ETag", "\"1\"");
  r.set_header("etag", "\"2\"");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.header("ETag"), "\"2\"");
}

}  // namespace
}  // namespace ordo
