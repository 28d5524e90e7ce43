#include "test_db.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <system_error>

#include "store/postgres/pg_conn.h"
#include "store/sql.h"

namespace ordo::testing {
namespace {

constexpr const char* kNoPostgres =
    "ORDO_TEST_PG_URL is not set: run tests through tools/with-postgres.sh (make test does)";

// Leaked on purpose: the atexit handler runs after static destructors may have begun.
struct State {
  std::mutex mu;
  pid_t owner = ::getpid();  // a forked child must not clean up its parent's files
  // Guarded by mu.
  std::string sqlite_dir;
  std::uint64_t sqlite_count = 0;
  std::unique_ptr<SqlConn> admin;  // connection to ORDO_TEST_PG_URL
  std::vector<std::string> databases;
  bool cleanup_registered = false;
};

State& state() {
  static State* s = new State;
  return *s;
}

void cleanup_at_exit() {
  State& s = state();
  // A thread still inside fresh_*_url at exit keeps its lock: leave the cleanup then.
  std::unique_lock lock(s.mu, std::try_to_lock);
  if (!lock.owns_lock() || ::getpid() != s.owner) return;
  if (!s.sqlite_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(s.sqlite_dir, ec);
  }
  const char* keep = std::getenv("ORDO_TEST_KEEP_DB");
  if (s.admin && !(keep && *keep && std::string(keep) != "0")) {
    for (const auto& db : s.databases) {
      // FORCE: sessions a test left open must not keep the database alive.
      (void)s.admin->exec_script("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }
  s.admin.reset();
}

void register_cleanup(State& s) {
  if (s.cleanup_registered) return;
  s.cleanup_registered = true;
  std::atexit(cleanup_at_exit);
}

std::string random_hex() {
  static std::mt19937_64 rng{std::random_device{}() ^ (static_cast<std::uint64_t>(::getpid()) << 32)};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

std::string fresh_sqlite_url() {
  State& s = state();
  std::lock_guard lock(s.mu);
  if (s.sqlite_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/ordo-test-XXXXXX";
    if (!::mkdtemp(templ.data())) {
      throw std::runtime_error("fresh_sqlite_url: mkdtemp(" + templ + ") failed: " +
                               std::error_code(errno, std::generic_category()).message());
    }
    s.sqlite_dir = templ;
    register_cleanup(s);
  }
  return "sqlite:" + s.sqlite_dir + "/db-" + std::to_string(++s.sqlite_count) + ".db";
}

std::string fresh_postgres_url() {
  const char* env = std::getenv("ORDO_TEST_PG_URL");
  if (!env || !*env) throw std::runtime_error(kNoPostgres);
  const std::string base = env;

  State& s = state();
  std::lock_guard lock(s.mu);
  if (!s.admin) {
    auto conn = open_postgres(base);
    if (!conn) throw std::runtime_error("fresh_postgres_url: cannot connect to ORDO_TEST_PG_URL: " + conn.error().message);
    s.admin = std::move(*conn);
    register_cleanup(s);
  }
  const std::string name = "t_" + random_hex();
  if (auto r = s.admin->exec_script("CREATE DATABASE " + name); !r) {
    s.admin.reset();  // reconnect next time
    throw std::runtime_error("fresh_postgres_url: CREATE DATABASE " + name + " failed: " + r.error().message);
  }
  s.databases.push_back(name);
  return with_database_for_test(base, name);
}

std::vector<std::string> backends() { return {"sqlite", "postgres"}; }

std::string fresh_url(const std::string& backend) {
  if (backend == "sqlite") return fresh_sqlite_url();
  if (backend == "postgres") return fresh_postgres_url();
  throw std::invalid_argument("fresh_url: unknown backend \"" + backend + "\" (want sqlite or postgres)");
}

std::string with_database_for_test(const std::string& url, const std::string& db) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url + " dbname=" + db;  // key=value: the last one wins
  const auto path = url.find_first_of("/?#", scheme + 3);
  if (path == std::string::npos) return url + "/" + db;
  if (url[path] != '/') return url.substr(0, path) + "/" + db + url.substr(path);
  const auto end = url.find_first_of("?#", path);
  return url.substr(0, path) + "/" + db + (end == std::string::npos ? "" : url.substr(end));
}

}  // namespace ordo::testing
