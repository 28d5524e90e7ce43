// `ordo import incidents FILE.ndjson` (and `ordo import servicenow FILE.csv`, last test)
// through the real binary, on both databases: a summary
// and exit 0 when every line is good; every bad line on stderr, exit 1 and nothing written
// otherwise; --dry-run writes nothing; --batch and --as are honoured; the imported history
// verifies with `ordo audit verify`.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "app/app.h"
#include "process/subprocess.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

class ImportCliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = fresh_url(GetParam());
    pw_ = temp_file("pw", "import-cli-test-password\n");
    auto [st, out] = run_command({ORDO_BINARY, "init", "--db", url_, "--admin-password-file", pw_, "--demo"});
    ASSERT_EQ(st, 0) << out;
  }
  void TearDown() override {
    for (const auto& f : files_) std::remove(f.c_str());
  }

  std::string temp_file(const std::string& name, const std::string& content) {
    std::string path = ::testing::TempDir() + "ordo-import-" + name + "-" + std::to_string(getpid()) + "-" +
                       std::to_string(files_.size());
    std::ofstream(path, std::ios::binary) << content;
    files_.push_back(path);
    return path;
  }

  static std::string line(const std::string& number, const std::string& service = "Email") {
    return R"({"number":")" + number + R"(","title":"Imported )" + number + R"(","service":")" + service +
           R"(","customer":"Acme Corporation","impact":2,"urgency":2,"reported_at":"2026-01-05T08:00:00Z",)"
           R"("timeline":[{"at":"2026-01-05T08:20:00Z","status":"in_progress"},)"
           R"({"at":"2026-01-05T10:00:00Z","status":"resolved","resolution_code":"fixed","resolution_note":"done"}]})"
           "\n";
  }

  // Opens the database the binary wrote (after it exited) and runs `fn` with the app.
  template <class F>
  void with_app(F&& fn) {
    auto app = App::open({.db_url = url_});
    ASSERT_TRUE(app) << app.error().message;
    fn(**app);
    (*app)->close();
  }

  std::int64_t count_incidents() {
    std::int64_t n = -1;
    with_app([&](App& app) {
      auto page = app.list(app.system_principal(), *app.registry().by_plural("incidents"), {{"count", "true"}, {"limit", "1"}});
      ASSERT_TRUE(page) << page.error().message;
      n = page->at("total").as_int64();
    });
    return n;
  }

  std::string url_, pw_;
  std::vector<std::string> files_;
};

TEST_P(ImportCliTest, ImportsInBatchesAndSummarises) {
  const std::int64_t before = count_incidents();
  std::string input;
  for (int i = 1; i <= 5; ++i) input += line("OLD-" + std::to_string(i));
  std::string file = temp_file("good", input);

  auto [dry, dry_out] = run_command({ORDO_BINARY, "import", "incidents", file, "--db", url_, "--dry-run"});
  EXPECT_EQ(dry, 0) << dry_out;
  EXPECT_NE(dry_out.find("5 lines checked, nothing written"), std::string::npos) << dry_out;
  EXPECT_EQ(count_incidents(), before);

  auto [st, out] = run_command({ORDO_BINARY, "import", "incidents", file, "--db", url_, "--batch", "2", "--as", "admin"});
  EXPECT_EQ(st, 0) << out;
  EXPECT_NE(out.find("imported 5 incidents in 3 batches (OLD-1 … OLD-5)"), std::string::npos) << out;
  EXPECT_NE(out.find("lines/s"), std::string::npos) << out;
  EXPECT_EQ(count_incidents(), before + 5);
  with_app([&](App& app) {
    const RecordType& t = *app.registry().by_plural("incidents");
    auto page = app.list(app.system_principal(), t, {{"number", "OLD-3"}});
    ASSERT_TRUE(page);
    ASSERT_EQ(page->at("items").as_array().size(), 1u);
    const auto& inc = page->at("items").as_array()[0].as_object();
    EXPECT_EQ(inc.at("status"), "resolved");
    EXPECT_EQ(inc.at("resolved_at"), "2026-01-05T10:00:00Z");
    EXPECT_FALSE(inc.at("sla_agreement").is_null());  // the demo's Email agreements apply
    auto h = app.history(app.system_principal(), t, inc.at("id").as_int64());
    ASSERT_TRUE(h);
    const auto& items = h->at("items").as_array();
    ASSERT_GE(items.size(), 3u);
    EXPECT_EQ(items[0].at("actor"), "admin");  // --as admin
    EXPECT_EQ(items[0].at("at"), "2026-01-05T08:00:00Z");
  });
  auto [vst, vout] = run_command({ORDO_BINARY, "audit", "verify", "--db", url_});
  EXPECT_EQ(vst, 0) << vout;
}

TEST_P(ImportCliTest, BadLinesAreListedAndNothingIsWritten) {
  const std::int64_t before = count_incidents();
  std::string file = temp_file("bad", line("OLD-1") + line("OLD-2", "Fax") + "\n" + "{oops\n" + line("OLD-1"));
  auto [st, out] = run_command({ORDO_BINARY, "import", "incidents", file, "--db", url_});
  EXPECT_EQ(st, 1) << out;
  EXPECT_NE(out.find(file + ": line 2: service: no service named 'Fax'"), std::string::npos) << out;
  EXPECT_NE(out.find(file + ": line 4: malformed JSON"), std::string::npos) << out;
  EXPECT_NE(out.find(file + ": line 5: number: 'OLD-1' is already on line 1"), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was imported"), std::string::npos) << out;
  EXPECT_EQ(count_incidents(), before);
}

TEST_P(ImportCliTest, MissingFileAndUnknownUserFail) {
  auto [st, out] = run_command({ORDO_BINARY, "import", "incidents", "/nonexistent/x.ndjson", "--db", url_});
  EXPECT_NE(st, 0) << out;
  EXPECT_NE(out.find("cannot read"), std::string::npos) << out;
  std::string file = temp_file("one", line("OLD-1"));
  auto [ust, uout] = run_command({ORDO_BINARY, "import", "incidents", file, "--db", url_, "--as", "nobody"});
  EXPECT_EQ(ust, 1) << uout;
}

// `ordo import servicenow` over tests/data/servicenow-excerpt.csv (five incidents of the
// real event log, docs/import/servicenow.md).
TEST_P(ImportCliTest, ServiceNowEventLogImportsWithItsHistory) {
  const std::int64_t before = count_incidents();
  const std::string file = std::string(ORDO_SOURCE_DIR) + "/tests/data/servicenow-excerpt.csv";
  auto [dry, dry_out] = run_command({ORDO_BINARY, "import", "servicenow", file, "--db", url_, "--dry-run"});
  EXPECT_EQ(dry, 0) << dry_out;
  EXPECT_NE(dry_out.find("24 rows, 5 incidents (24 events) checked, 3 teams to create, nothing written"),
            std::string::npos)
      << dry_out;
  EXPECT_EQ(count_incidents(), before);

  auto [st, out] = run_command({ORDO_BINARY, "import", "servicenow", file, "--db", url_, "--batch", "2", "--as", "admin"});
  EXPECT_EQ(st, 0) << out;
  EXPECT_NE(out.find("imported 5 incidents from 24 rows (24 events, 3 new teams) in 3 batches (INC0000045 … INC0103733)"),
            std::string::npos)
      << out;
  EXPECT_EQ(count_incidents(), before + 5);
  with_app([&](App& app) {
    const RecordType& t = *app.registry().by_plural("incidents");
    auto page = app.list(app.system_principal(), t, {{"number", "INC0009198"}});
    ASSERT_TRUE(page);
    ASSERT_EQ(page->at("items").as_array().size(), 1u);
    const auto& inc = page->at("items").as_array()[0].as_object();
    EXPECT_EQ(inc.at("reopen_count"), 1);
    auto h = app.history(app.system_principal(), t, inc.at("id").as_int64());
    ASSERT_TRUE(h);
    EXPECT_EQ(h->at("items").as_array().size(), 6u);
    EXPECT_EQ(h->at("items").as_array()[0].at("actor"), "admin");
  });
  auto [vst, vout] = run_command({ORDO_BINARY, "audit", "verify", "--db", url_});
  EXPECT_EQ(vst, 0) << vout;

  auto [again, again_out] = run_command({ORDO_BINARY, "import", "servicenow", file, "--db", url_});
  EXPECT_EQ(again, 1) << again_out;
  EXPECT_NE(again_out.find(file + ": line 2: number: 'INC0000045' is already used by an incident"), std::string::npos)
      << again_out;
}

INSTANTIATE_TEST_SUITE_P(Db, ImportCliTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
