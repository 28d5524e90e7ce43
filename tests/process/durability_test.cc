// Process-level tests of the real binary: kill -9 mid-burst loses no acknowledged write,
// SIGTERM drains and exits cleanly, `ordo audit verify` catches tampering done with the
// databases' own shells, and `ordo init` refuses to overwrite.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http_client.h"
#include "process/subprocess.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

constexpr const char* kPassword = "process-test-password";

std::string password_file() {
  static std::string path = [] {
    std::string p = ::testing::TempDir() + "ordo-process-pw-" + std::to_string(getpid());
    std::ofstream(p) << kPassword << "\n";
    std::atexit([] { std::remove(password_file().c_str()); });
    return p;
  }();
  return path;
}

class ProcessTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = fresh_url(GetParam());
    auto [st, out] = run_command({ORDO_BINARY, "init", "--db", url_, "--admin-password-file", password_file()});
    ASSERT_EQ(st, 0) << out;
  }

  std::unique_ptr<Subprocess> serve() {
    auto p = std::make_unique<Subprocess>(std::vector<std::string>{ORDO_BINARY, "serve", "--db", url_, "--listen", "127.0.0.1:0"});
    auto port = p->wait_for_port();
    EXPECT_TRUE(port) << p->output();
    port_ = port.value_or(0);
    return p;
  }

  std::string token() {
    HttpClient c(port_);
    auto login = c.post("/api/v1/auth/login", json::serialize(json::object{{"username", "admin"}, {"password", kPassword}}));
    EXPECT_EQ(login.status, 200) << login.body;
    std::string sc = login.header("set-cookie");
    c.cookie = sc.substr(0, sc.find(';'));
    c.csrf_token = std::string(login.json().at("csrf_token").as_string());
    auto t = c.post("/api/v1/tokens", R"({"name":"process-test"})");
    EXPECT_EQ(t.status, 201) << t.body;
    return std::string(t.json().at("token").as_string());
  }

  // Every incident number → title, paging through the whole list.
  std::map<std::string, std::string> all_incidents(const std::string& tok) {
    HttpClient c(port_);
    c.bearer = tok;
    std::map<std::string, std::string> out;
    std::string cursor;
    for (;;) {
      auto r = c.get("/api/v1/incidents?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(r.status, 200) << r.body;
      auto j = r.json();
      for (const auto& it : j.at("items").as_array())
        out[std::string(it.at("number").as_string())] = std::string(it.at("title").as_string());
      if (j.at("next_cursor").is_null()) break;
      cursor = std::string(j.at("next_cursor").as_string());
    }
    return out;
  }

  // Fires creates from `threads` clients until `stop`; records every acknowledged one.
  void burst(const std::string& tok, int threads, std::atomic<bool>& stop,
             std::map<std::string, std::string>& acked, std::mutex& mu) {
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
      ts.emplace_back([&, t] {
        HttpClient c(port_);
        c.bearer = tok;
        for (int i = 0; !stop.load(); ++i) {
          std::string title = "burst " + std::to_string(t) + "-" + std::to_string(i);
          try {
            auto r = c.post("/api/v1/incidents",
                            json::serialize(json::object{{"title", title}, {"impact", 2}, {"urgency", 2}}));
            if (r.status == 201) {
              std::lock_guard g(mu);
              acked[std::string(r.json().at("number").as_string())] = title;
            }
          } catch (const std::exception&) {
            return;  // the server is gone
          }
        }
      });
    for (auto& t : ts) t.join();
  }

  // Waits (up to ~15 s) until `n` creates were acknowledged by the burst.
  static void wait_for_acks(const std::map<std::string, std::string>& acked, std::mutex& mu, std::size_t n) {
    for (int i = 0; i < 3000; ++i) {
      {
        std::lock_guard g(mu);
        if (acked.size() >= n) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  void expect_verifies() {
    auto [st, out] = run_command({ORDO_BINARY, "audit", "verify", "--db", url_});
    EXPECT_EQ(st, 0) << out;
    EXPECT_NE(out.find("hash chain intact"), std::string::npos) << out;
  }

  std::string url_;
  std::uint16_t port_ = 0;
};

TEST_P(ProcessTest, KillNineLosesNoAcknowledgedWrite) {
  auto server = serve();
  std::string tok = token();
  std::atomic<bool> stop{false};
  std::map<std::string, std::string> acked;
  std::mutex mu;
  std::thread killer([&] {
    // Kill once a good number of writes were acknowledged, in the middle of the burst.
    wait_for_acks(acked, mu, 300);
    server->kill(SIGKILL);
    stop = true;
  });
  burst(tok, 16, stop, acked, mu);
  killer.join();
  EXPECT_EQ(server->wait(), 128 + SIGKILL);
  ASSERT_GE(acked.size(), 300u);

  auto again = serve();
  auto stored = all_incidents(tok);
  for (const auto& [number, title] : acked) {
    auto it = stored.find(number);
    ASSERT_NE(it, stored.end()) << number << " was acknowledged but is missing after kill -9";
    EXPECT_EQ(it->second, title);
  }
  again->kill(SIGTERM);
  EXPECT_EQ(again->wait(), 0);
  expect_verifies();
}

TEST_P(ProcessTest, SigtermDrainsAndExitsCleanly) {
  auto server = serve();
  std::string tok = token();
  std::atomic<bool> stop{false};
  std::map<std::string, std::string> acked;
  std::mutex mu;
  std::thread terminator([&] {
    wait_for_acks(acked, mu, 100);
    server->kill(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
  });
  burst(tok, 8, stop, acked, mu);
  terminator.join();
  auto status = server->wait(std::chrono::seconds(20));
  ASSERT_TRUE(status) << "did not exit after SIGTERM";
  EXPECT_EQ(*status, 0) << server->output();
  auto again = serve();
  auto stored = all_incidents(tok);
  for (const auto& [number, title] : acked) EXPECT_TRUE(stored.count(number)) << number;
  again->kill(SIGTERM);
  EXPECT_EQ(again->wait(), 0);
  expect_verifies();
}

TEST_P(ProcessTest, AuditVerifyCatchesTamperingWithTheDatabaseShell) {
  {
    auto server = serve();
    std::string tok = token();
    HttpClient c(port_);
    c.bearer = tok;
    for (int i = 0; i < 5; ++i)
      ASSERT_EQ(c.post("/api/v1/incidents", R"({"title":"t","impact":1,"urgency":1})").status, 201);
    server->kill(SIGTERM);
    ASSERT_EQ(server->wait(), 0);
  }
  expect_verifies();
  const std::string sql = "UPDATE events SET data = '{\"forged\":true}' WHERE seq = 4";
  std::pair<int, std::string> tampered;
  if (GetParam() == "sqlite") tampered = run_command({"/usr/bin/sqlite3", url_.substr(7), sql});
  else tampered = run_command({"/usr/bin/psql", "-q", url_, "-c", sql});
  ASSERT_EQ(tampered.first, 0) << tampered.second;
  auto [st, out] = run_command({ORDO_BINARY, "audit", "verify", "--db", url_});
  EXPECT_NE(st, 0) << out;
  EXPECT_NE(out.find("event 4"), std::string::npos) << out;
}

TEST_P(ProcessTest, InitRefusesToOverwriteAnAdministrator) {
  auto [st, out] = run_command({ORDO_BINARY, "init", "--db", url_, "--admin-password-file", password_file()});
  EXPECT_NE(st, 0);
  EXPECT_NE(out.find("already has an administrator"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Db, ProcessTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

// Settings: flags win over the environment, which wins over the config file.
TEST(Cli, FlagsBeatEnvironmentBeatConfigFile) {
  std::string good = fresh_sqlite_url();
  auto [st, out] = run_command({ORDO_BINARY, "init", "--db", good, "--admin-password-file", password_file()});
  ASSERT_EQ(st, 0) << out;
  std::string bad = fresh_sqlite_url();  // never initialised
  std::string cfg = ::testing::TempDir() + "ordo-cli-" + std::to_string(getpid()) + ".toml";
  std::ofstream(cfg) << "db = \"" << good << "\"\n";
  EXPECT_EQ(run_command({ORDO_BINARY, "audit", "verify", "--config", cfg}).first, 0) << "file alone";
  auto env_wins = run_command({ORDO_BINARY, "audit", "verify", "--config", cfg}, {{"ORDO_DB", bad}});
  EXPECT_NE(env_wins.first, 0) << "environment beats file";
  EXPECT_NE(env_wins.second.find("ordo init"), std::string::npos) << env_wins.second;
  EXPECT_EQ(run_command({ORDO_BINARY, "audit", "verify", "--config", cfg, "--db", good}, {{"ORDO_DB", bad}}).first, 0)
      << "flag beats environment";
  std::ofstream(cfg) << "db = [unclosed\n";
  auto broken = run_command({ORDO_BINARY, "audit", "verify", "--config", cfg});
  EXPECT_NE(broken.first, 0);
  EXPECT_NE(broken.second.find(cfg), std::string::npos) << "names the broken file: " << broken.second;
  std::ofstream(cfg) << "db = \"" << good << "\"\n[server]\nauth_cache_seconds = -1\n";
  auto out_of_range = run_command({ORDO_BINARY, "audit", "verify", "--config", cfg});
  EXPECT_NE(out_of_range.first, 0);
  EXPECT_NE(out_of_range.second.find("auth_cache_seconds must be 0 (off) to 300"), std::string::npos) << out_of_range.second;
  std::ofstream(cfg) << "db = \"" << good << "\"\n[server]\nauth_cache_seconds = 0\n";
  EXPECT_EQ(run_command({ORDO_BINARY, "audit", "verify", "--config", cfg}).first, 0);
  std::remove(cfg.c_str());
  auto version = run_command({ORDO_BINARY, "version"});
  EXPECT_EQ(version.first, 0);
  EXPECT_EQ(version.second.rfind("ordo ", 0), 0u);
}

}  // namespace
}  // namespace ordo::testing

namespace ordo::testing {
namespace {

TEST(Cli, UserAddAndPasswd) {
  std::string db = fresh_sqlite_url();
  ASSERT_EQ(run_command({ORDO_BINARY, "init", "--db", db, "--admin-password-file", password_file()}).first, 0);
  std::string pw = ::testing::TempDir() + "ordo-cli-user-pw-" + std::to_string(getpid());
  std::ofstream(pw) << "agent password 1\n";
  auto added = run_command({ORDO_BINARY, "user", "add", "pat", "--db", db, "--role", "agent", "--display-name",
                            "Pat Agent", "--password-file", pw});
  EXPECT_EQ(added.first, 0) << added.second;
  EXPECT_NE(added.second.find("created user pat"), std::string::npos) << added.second;
  auto dup = run_command({ORDO_BINARY, "user", "add", "pat", "--db", db, "--role", "agent", "--password-file", pw});
  EXPECT_NE(dup.first, 0);
  EXPECT_NE(dup.second.find("username: is taken"), std::string::npos) << dup.second;
  auto bad_role = run_command({ORDO_BINARY, "user", "add", "sam", "--db", db, "--role", "wizard", "--password-file", pw});
  EXPECT_NE(bad_role.first, 0);
  EXPECT_NE(bad_role.second.find("unknown role"), std::string::npos) << bad_role.second;
  std::ofstream(pw) << "a new agent password\n";
  auto changed = run_command({ORDO_BINARY, "user", "passwd", "pat", "--db", db, "--password-file", pw});
  EXPECT_EQ(changed.first, 0) << changed.second;
  auto nobody = run_command({ORDO_BINARY, "user", "passwd", "nobody", "--db", db, "--password-file", pw});
  EXPECT_NE(nobody.first, 0);
  // The new password works over HTTP.
  Subprocess server({ORDO_BINARY, "serve", "--db", db, "--listen", "127.0.0.1:0"});
  auto port = server.wait_for_port();
  ASSERT_TRUE(port) << server.output();
  HttpClient c(*port);
  EXPECT_EQ(c.post("/api/v1/auth/login", R"({"username":"pat","password":"a new agent password"})").status, 200);
  server.kill(SIGTERM);
  EXPECT_EQ(server.wait(), 0);
  std::remove(pw.c_str());
}

}  // namespace
}  // namespace ordo::testing
