#include "http/metrics.h"

#include <sstream>

#include <gtest/gtest.h>

namespace ordo {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

TEST(MetricsTest, CountsRequestsByMethodRouteStatus) {
  Metrics m;
  for (int i = 0; i < 3; ++i) {
    m.request_started();
    m.request_finished("GET", "/api/v1/{type}/{id}", 200, 0.002);
  }
  m.request_started();
  m.request_finished("PATCH", "/api/v1/{type}/{id}", 412, 0.002);
  std::string t = m.render(nullptr);
  EXPECT_TRUE(has_line(t, "# TYPE ordo_http_requests_total counter")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_requests_total{method="GET",route="/api/v1/{type}/{id}",status="200"} 3)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_requests_total{method="PATCH",route="/api/v1/{type}/{id}",status="412"} 1)"))
      << t;
  EXPECT_TRUE(has_line(t, "ordo_http_in_flight 0")) << t;
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  for (double s : {0.0001, 0.0005, 0.003, 0.2, 7.0}) {
    m.request_started();
    m.request_finished("GET", "/healthz", 200, s);
  }
  std::string t = m.render(nullptr);
  EXPECT_TRUE(has_line(t, "# TYPE ordo_http_request_duration_seconds histogram")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_request_duration_seconds_bucket{route="/healthz",le="0.0005"} 2)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_request_duration_seconds_bucket{route="/healthz",le="0.001"} 2)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_request_duration_seconds_bucket{route="/healthz",le="0.005"} 3)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_request_duration_seconds_bucket{route="/healthz",le="0.25"} 4)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_request_duration_seconds_bucket{route="/healthz",le="5"} 4)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 5)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_http_request_duration_seconds_count{route="/healthz"} 5)")) << t;
  EXPECT_NE(t.find(R"(ordo_http_request_duration_seconds_sum{route="/healthz"} 7.2036)"), std::string::npos) << t;
}

TEST(MetricsTest, InFlightGauge) {
  Metrics m;
  m.request_started();
  m.request_started();
  EXPECT_TRUE(has_line(m.render(nullptr), "ordo_http_in_flight 2"));
  m.request_finished("GET", "/healthz", 200, 0.001);
  EXPECT_TRUE(has_line(m.render(nullptr), "ordo_http_in_flight 1"));
}

TEST(MetricsTest, UnknownMethodsCollapseToOther) {
  Metrics m;
  m.request_started();
  m.request_finished("X-RANDOM-1", "unmatched", 405, 0.001);
  m.request_started();
  m.request_finished("X-RANDOM-2", "unmatched", 405, 0.001);
  std::string t = m.render(nullptr);
  EXPECT_TRUE(has_line(t, R"(ordo_http_requests_total{method="OTHER",route="unmatched",status="405"} 2)")) << t;
  EXPECT_EQ(t.find("X-RANDOM"), std::string::npos);
}

TEST(MetricsTest, StoreStats) {
  Metrics m;
  StoreStats s;
  s.record_batch(1);
  s.record_batch(3);
  s.record_batch(200);
  s.db_errors = 2;
  s.write_queue = 5;
  std::string t = m.render(&s);
  EXPECT_TRUE(has_line(t, "# TYPE ordo_store_write_batch_size histogram")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_store_write_batch_size_bucket{le="1"} 1)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_store_write_batch_size_bucket{le="2"} 1)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_store_write_batch_size_bucket{le="4"} 2)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_store_write_batch_size_bucket{le="128"} 2)")) << t;
  EXPECT_TRUE(has_line(t, R"(ordo_store_write_batch_size_bucket{le="+Inf"} 3)")) << t;
  EXPECT_TRUE(has_line(t, "ordo_store_write_batch_size_sum 204")) << t;
  EXPECT_TRUE(has_line(t, "ordo_store_write_batch_size_count 3")) << t;
  EXPECT_TRUE(has_line(t, "ordo_store_commands_total 204")) << t;
  EXPECT_TRUE(has_line(t, "ordo_store_db_errors_total 2")) << t;
  EXPECT_TRUE(has_line(t, "# TYPE ordo_store_write_queue gauge")) << t;
  EXPECT_TRUE(has_line(t, "ordo_store_write_queue 5")) << t;
}

TEST(MetricsTest, EveryLineIsCommentOrSample) {
  Metrics m;
  m.request_started();
  m.request_finished("GET", "/healthz", 200, 0.001);
  StoreStats s;
  std::istringstream in(m.render(&s));
  for (std::string l; std::getline(in, l);) {
    ASSERT_FALSE(l.empty());
    if (l[0] == '#') {
      EXPECT_TRUE(l.starts_with("# HELP ") || l.starts_with("# TYPE ")) << l;
      continue;
    }
    EXPECT_TRUE(l.starts_with("ordo_")) << l;
    auto sp = l.rfind(' ');
    ASSERT_NE(sp, std::string::npos) << l;
    std::size_t used = 0;
    (void)std::stod(l.substr(sp + 1), &used);
    EXPECT_EQ(used, l.size() - sp - 1) << l;
  }
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value(R"(a"b\c)"), R"(a\"b\\c)");
  EXPECT_EQ(escape_label_value("a\nb"), "a\\nb");
}

}  // namespace
}  // namespace ordo
