#include "http/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>

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

// What has reached the read end of a non-blocking pipe so far.
std::string drain(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

class BufferedSink : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe(fds_), 0);
    ASSERT_EQ(::fcntl(fds_[0], F_SETFL, O_NONBLOCK), 0);
  }
  void TearDown() override {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  std::shared_ptr<spdlog::logger> logger(std::size_t flush_bytes) {
    auto l = std::make_shared<spdlog::logger>("test", make_buffered_fd_sink(fds_[1], flush_bytes));
    l->set_formatter(std::make_unique<spdlog::pattern_formatter>("%v"));
    l->flush_on(spdlog::level::warn);
    return l;
  }
  int fds_[2] = {-1, -1};
};

TEST_F(BufferedSink, HoldsLinesUntilFlushedThenWritesThemInOrder) {
  auto l = logger(1 << 20);
  l->info("one");
  l->info("two");
  EXPECT_EQ(drain(fds_[0]), "");
  l->flush();
  EXPECT_EQ(drain(fds_[0]), "one\ntwo\n");
  l->flush();
  EXPECT_EQ(drain(fds_[0]), "") << "nothing is written twice";
}

TEST_F(BufferedSink, AWarningGoesOutAtOnceWithWhatCameBefore) {
  auto l = logger(1 << 20);
  l->info("request");
  l->warn("trouble");
  EXPECT_EQ(drain(fds_[0]), "request\ntrouble\n");
}

TEST_F(BufferedSink, WritesWhenTheBufferFillsAndWhenDestroyed) {
  auto l = logger(10);
  l->info("12345");
  EXPECT_EQ(drain(fds_[0]), "");
  l->info("67890");  // 12 bytes now
  EXPECT_EQ(drain(fds_[0]), "12345\n67890\n");
  l->info("last");
  l.reset();
  EXPECT_EQ(drain(fds_[0]), "last\n");
}

}  // namespace
}  // namespace ordo
