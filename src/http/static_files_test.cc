#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace ordo {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ordo_static_test_" + std::to_string(std::random_device{}()));
    fs::create_directories(root_ / "assets");
    write(root_ / "index.html", "<!doctype html>index");
    write(root_ / "assets" / "app-1234.js", "console.log(1)");
    write(root_ / ".env", "SECRET=1");
    write(root_.parent_path() / (root_.filename().string() + "_outside.txt"), "outside");
  }
  void TearDown() override {
    fs::remove_all(root_);
    fs::remove(root_.parent_path() / (root_.filename().string() + "_outside.txt"));
  }
  static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
  std::optional<Response> get(std::string_view target) {
    auto t = parse_target(target);
    EXPECT_TRUE(t.ok()) << target;
    return serve_static(root_.string(), t->segments);
  }
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypeAndCsp) {
  auto r = get("/assets/app-1234.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "console.log(1)");
  EXPECT_EQ(r->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r->header("Content-Security-Policy"), kWebUiCsp);
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->header("Cache-Control"), "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesTest, RootAndClientRoutesGetIndex) {
  for (auto target : {"/", "/incidents", "/incidents/42", "/index.html"}) {
    auto r = get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->body, "<!doctype html>index") << target;
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(r->header("Cache-Control"), "no-cache");
  }
}

// Every answer that can carry the UI (index.html through the SPA fallback as much as the
// assets) gets the policy and the security headers, not only the first page.
TEST_F(StaticFilesTest, EveryResponseCarriesCspAndSecurityHeaders) {
  for (auto target : {"/", "/index.html", "/r/incidents/42", "/assets/app-1234.js"}) {
    auto r = get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->header("Content-Security-Policy"), kWebUiCsp) << target;
    for (const auto& h : kWebUiSecurityHeaders) EXPECT_EQ(r->header(h.name), h.value) << target << " " << h.name;
  }
}

TEST_F(StaticFilesTest, MissingAssetIsNotIndex) { EXPECT_FALSE(get("/assets/missing.js")); }

TEST_F(StaticFilesTest, NeverLeavesRootOrServesHiddenFiles) {
  std::string outside = root_.filename().string() + "_outside.txt";
  EXPECT_FALSE(get("/../" + outside));
  EXPECT_FALSE(get("/%2e%2e/" + outside));
  EXPECT_FALSE(get("/assets/..%2F..%2F" + outside));
  EXPECT_FALSE(get("/.env"));
  EXPECT_FALSE(get("/%2eenv"));
  EXPECT_FALSE(get("/a%00.js"));
  EXPECT_FALSE(get("/assets/.%2e/index.html"));
}

TEST_F(StaticFilesTest, NoRootNothingServed) { EXPECT_FALSE(serve_static("", {})); }

TEST(MimeTypeTest, KnownAndUnknown) {
  EXPECT_EQ(mime_type("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("a.SVG"), "image/svg+xml");
  EXPECT_EQ(mime_type("font.woff2"), "font/woff2");
  EXPECT_EQ(mime_type("noext"), "application/octet-stream");
  EXPECT_EQ(mime_type("a.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace ordo
