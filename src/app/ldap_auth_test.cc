// ldap_bind against a real OpenLDAP slapd that the fixture starts on 127.0.0.1 (a free
// port, a temp directory, an mdb database loaded with slapadd), plus the failure modes that
// need no server (a closed port, a server that never answers). slapd missing fails the
// tests with how to install it: they never skip.
#include "app/ldap_auth.h"

#include <boost/json.hpp>

#include "app/app.h"
#include "test_db.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ordo {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

constexpr const char* kSlapd = "/usr/sbin/slapd";
constexpr const char* kSlapadd = "/usr/sbin/slapadd";
constexpr const char* kSlappasswd = "/usr/sbin/slappasswd";
constexpr const char* kSchemaDir = "/etc/ldap/schema";
constexpr const char* kModuleDir = "/usr/lib/ldap";
constexpr const char* kPeopleTemplate = "uid={username},ou=people,dc=ordo,dc=test";

struct RunResult {
  int status = -1;  // exit code, or -1 if it did not exit normally
  std::string output;  // stdout and stderr
};

std::vector<char*> c_argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// Runs a program to completion, capturing stdout and stderr.
RunResult run(std::vector<std::string> args) {
  auto argv = c_argv(args);
  int fds[2];
  if (pipe(fds) != 0) return {-1, "pipe failed"};
  pid_t pid = fork();
  if (pid < 0) return {-1, "fork failed"};
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  RunResult r;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) r.output.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A loopback port no one listens on now (bound to port 0, then closed).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return ntohs(a.sin_port);
}

bool port_accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail(const std::string& s, size_t n) { return s.size() <= n ? s : "…" + s.substr(s.size() - n); }

// Passwords of the directory's entries. Hashed ones go through slappasswd ({SSHA});
// plaintext userPassword values are fine for a test directory.
constexpr const char* kAlicePw = "alice-pw";
constexpr const char* kBobPw = "bob-pw";
constexpr const char* kTrapPw = "trap-pw";            // uid=a,ou=x,ou=people: what "a,ou=x" would reach unescaped
constexpr const char* kCommaPw = "literal-comma-pw";  // uid=a\,ou\=x,ou=people: the user literally named "a,ou=x"
constexpr const char* kHashPw = "literal-hash-pw";    // uid=\#lead
constexpr const char* kBackslashPw = "literal-backslash-pw";  // uid=back\\slash

// One slapd process in its own temp directory. Not thread-safe; one per test suite.
class Slapd {
 public:
  Slapd() = default;
  Slapd(const Slapd&) = delete;
  Slapd& operator=(const Slapd&) = delete;
  ~Slapd() {
    stop();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Empty on success, else why slapd is not running (with its log).
  std::string start() {
    for (const char* tool : {kSlapd, kSlapadd, kSlappasswd}) {
      if (access(tool, X_OK) != 0) {
        return std::string(tool) +
               " is not installed: the LDAP tests need OpenLDAP's slapd. Install it with "
               "`tools/deps.sh test` (or `apt-get install slapd ldap-utils`).";
      }
    }
    std::string tmpl = (fs::temp_directory_path() / "ordo-ldap-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return "mkdtemp failed";
    dir_ = tmpl;
    fs::create_directory(dir_ / "db");
    write_config();
    if (auto e = load_users(); !e.empty()) return e;
    // slapd runs as whoever runs the test, root included: it listens on a high port and
    // owns every file it touches, so it needs no -u/-g. A port taken between free_port()
    // and slapd's bind makes slapd exit: try another.
    std::string last;
    for (int attempt = 0; attempt < 3; ++attempt) {
      last = launch();
      if (last.empty()) return "";
    }
    return last;
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // up to 5 s for a clean shutdown
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string url() const { return "ldap://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return read_file(dir_ / "slapd.log"); }

 private:
  void write_config() {
    std::ofstream conf(dir_ / "slapd.conf");
    conf << "include " << kSchemaDir << "/core.schema\n"
         << "include " << kSchemaDir << "/cosine.schema\n"
         << "include " << kSchemaDir << "/inetorgperson.schema\n"
         << "modulepath " << kModuleDir << "\n"
         << "moduleload back_mdb\n"
         << "pidfile " << (dir_ / "slapd.pid").string() << "\n"
         << "database mdb\n"
         << "suffix \"dc=ordo,dc=test\"\n"
         << "rootdn \"cn=admin,dc=ordo,dc=test\"\n"
         << "directory " << (dir_ / "db").string() << "\n"
         << "maxsize 16777216\n";
    // No access rules: slapd's default ("by * read") lets a bind compare userPassword.
  }

  static std::string person(const std::string& dn, const std::string& uid, const std::string& password) {
    return "dn: " + dn + "\nobjectClass: inetOrgPerson\nuid: " + uid + "\ncn: " + uid + "\nsn: Agent\n" +
           "userPassword: " + password + "\n\n";
  }

  std::string load_users() {
    std::string hashes[2];
    const char* plain[2] = {kAlicePw, kBobPw};
    for (int i = 0; i < 2; ++i) {
      auto r = run({kSlappasswd, "-h", "{SSHA}", "-s", plain[i]});
      while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == '\r')) r.output.pop_back();
      if (r.status != 0 || r.output.rfind("{SSHA}", 0) != 0) return "slappasswd failed: " + r.output;
      hashes[i] = r.output;
    }
    std::ofstream ldif(dir_ / "users.ldif");
    ldif << "dn: dc=ordo,dc=test\nobjectClass: dcObject\nobjectClass: organization\ndc: ordo\no: Ordo\n\n"
         << "dn: ou=people,dc=ordo,dc=test\nobjectClass: organizationalUnit\nou: people\n\n"
         << "dn: ou=x,ou=people,dc=ordo,dc=test\nobjectClass: organizationalUnit\nou: x\n\n"
         << person("uid=alice,ou=people,dc=ordo,dc=test", "alice", hashes[0])
         << person("uid=bob,ou=people,dc=ordo,dc=test", "bob", hashes[1])
         << person("uid=a,ou=x,ou=people,dc=ordo,dc=test", "a", kTrapPw)
         << person("uid=a\\,ou\\=x,ou=people,dc=ordo,dc=test", "a,ou=x", kCommaPw)
         << person("uid=\\#lead,ou=people,dc=ordo,dc=test", "#lead", kHashPw)
         << person("uid=back\\5Cslash,ou=people,dc=ordo,dc=test", "back\\slash", kBackslashPw);
    ldif.close();
    auto r = run({kSlapadd, "-f", (dir_ / "slapd.conf").string(), "-l", (dir_ / "users.ldif").string()});
    if (r.status != 0) return "slapadd failed (exit " + std::to_string(r.status) + "):\n" + r.output;
    return "";
  }

  // Starts slapd on a fresh port and waits until it accepts; empty on success.
  std::string launch() {
    port_ = free_port();
    if (port_ <= 0) return "no free port";
    std::vector<std::string> args = {kSlapd, "-f", (dir_ / "slapd.conf").string(),
                                     "-h", url() + "/",
                                     "-d", "256"};  // -d: stay in the foreground; 256: log connections and binds
    auto argv = c_argv(args);
    std::string log_path = (dir_ / "slapd.log").string();
    pid_t pid = fork();
    if (pid < 0) return "fork failed";
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test binary
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
      execv(argv[0], argv.data());
      _exit(127);
    }
    pid_ = pid;
    auto deadline = steady_clock::now() + std::chrono::seconds(20);
    while (steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return "slapd exited during start-up (status " + std::to_string(status) + "); its log:\n" + tail(log(), 4000);
      }
      // "slapd starting" comes after its listener is bound, so the port is slapd's.
      if (log().find("slapd starting") != std::string::npos && port_accepts(port_)) return "";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop();
    return "slapd did not accept connections on " + url() + " within 20 s; its log:\n" + tail(log(), 4000);
  }

  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class LdapAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    slapd_ = new Slapd();
    start_error_ = slapd_->start();
  }
  static void TearDownTestSuite() {
    delete slapd_;
    slapd_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(start_error_.empty()) << start_error_; }
  void TearDown() override {
    if (HasFailure() && start_error_.empty()) std::cerr << "--- slapd log (tail) ---\n" << tail(slapd_->log(), 6000) << "\n";
  }

  static LdapOptions options(std::string tmpl = kPeopleTemplate) {
    LdapOptions o;
    o.url = slapd_->url();
    o.user_dn_template = std::move(tmpl);
    o.timeout_seconds = 5;
    return o;
  }

  static Slapd* slapd_;
  static std::string start_error_;
};
Slapd* LdapAuthTest::slapd_ = nullptr;
std::string LdapAuthTest::start_error_;

std::string describe(const Result<void>& r) {
  if (r) return "ok";
  return "kind " + std::to_string(static_cast<int>(r.error().kind)) + ": " + r.error().message;
}

void expect_kind(const Result<void>& r, ErrorKind kind) {
  ASSERT_FALSE(r.ok()) << "expected an error, got ok";
  EXPECT_EQ(r.error().kind, kind) << describe(r);
}

TEST_F(LdapAuthTest, RightPasswordBinds) {
  auto r = ldap_bind(options(), "alice", kAlicePw);
  EXPECT_TRUE(r.ok()) << describe(r);
  r = ldap_bind(options(), "bob", kBobPw);
  EXPECT_TRUE(r.ok()) << describe(r);
}

TEST_F(LdapAuthTest, WrongPasswordIsUnauthenticated) {
  expect_kind(ldap_bind(options(), "alice", "wrong"), ErrorKind::kUnauthenticated);
  expect_kind(ldap_bind(options(), "alice", kBobPw), ErrorKind::kUnauthenticated);  // another user's password
}

TEST_F(LdapAuthTest, UnknownUserIsUnauthenticatedWithTheSameMessage) {
  auto unknown = ldap_bind(options(), "nobody", kAlicePw);
  auto wrong = ldap_bind(options(), "alice", "wrong");
  expect_kind(unknown, ErrorKind::kUnauthenticated);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.error().message, wrong.error().message);  // no user enumeration
  // A DN outside the database's suffix.
  expect_kind(ldap_bind(options("uid={username},dc=elsewhere"), "alice", kAlicePw), ErrorKind::kUnauthenticated);
}

TEST_F(LdapAuthTest, EmptyPasswordIsInvalidNotAnAnonymousBind) {
  auto before = slapd_->log().size();
  auto r = ldap_bind(options(), "alice", "");
  expect_kind(r, ErrorKind::kInvalid);
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "password");
  // The check comes before any network traffic: no BIND for it reaches slapd.
  EXPECT_EQ(slapd_->log().substr(before).find(" BIND dn="), std::string::npos) << "an empty-password bind was sent";
}

TEST_F(LdapAuthTest, BadUsernamesAreInvalid) {
  expect_kind(ldap_bind(options(), "", kAlicePw), ErrorKind::kInvalid);
  expect_kind(ldap_bind(options(), std::string("ali\0ce", 6), kAlicePw), ErrorKind::kInvalid);
  expect_kind(ldap_bind(options(), "alice\n", kAlicePw), ErrorKind::kInvalid);
  expect_kind(ldap_bind(options(), "al\xC3", kAlicePw), ErrorKind::kInvalid);  // truncated UTF-8
  EXPECT_TRUE(ldap_bind(options(), "alice", kAlicePw).ok());  // non-ASCII is fine below
  expect_kind(ldap_bind(options(), "J\xC3\xBCrgen", kAlicePw), ErrorKind::kUnauthenticated);
}

// The trap entry uid=a,ou=x,ou=people exists and binds with its own DN, so the escaping
// test below means something: unescaped, "a,ou=x" would reach it.
TEST_F(LdapAuthTest, TrapEntryIsReachableDirectly) {
  auto r = ldap_bind(options("uid={username},ou=x,ou=people,dc=ordo,dc=test"), "a", kTrapPw);
  EXPECT_TRUE(r.ok()) << describe(r);
}

TEST_F(LdapAuthTest, DnMetacharactersCannotReachAnotherEntry) {
  struct Case {
    std::string username;
    std::string own_password;  // of the entry this username names, if any (see UsernameMatchingIsTheServers)
  };
  const std::vector<Case> cases = {
      {"a,ou=x", kCommaPw}, {"*", ""}, {"\\", ""}, {"#lead", kHashPw}, {"bob ", kBobPw}, {" bob", kBobPw},
      {"a ", ""}, {"back\\slash", kBackslashPw}, {"a+uid=alice", ""}, {"alice,ou=people,dc=ordo,dc=test", ""},
      {"\"alice\"", ""}, {"<alice>", ""}, {"alice;", ""}, {"=alice", ""}, {"a\\,ou=x", ""}};
  const std::vector<std::string> passwords = {kAlicePw, kBobPw, kTrapPw, kCommaPw, kHashPw, kBackslashPw};
  for (const auto& c : cases) {
    for (const auto& pw : passwords) {
      if (pw == c.own_password) continue;
      auto r = ldap_bind(options(), c.username, pw);
      // kUnauthenticated (not kInternal) also proves the escaped DN is syntactically valid.
      ASSERT_FALSE(r.ok()) << "username '" << c.username << "' bound with password " << pw;
      EXPECT_EQ(r.error().kind, ErrorKind::kUnauthenticated) << "username '" << c.username << "': " << describe(r);
    }
  }
}

// The escaped DN is exactly the entry of the user whose uid has those characters.
TEST_F(LdapAuthTest, UsernamesWithMetacharactersBindAsThemselves) {
  auto r = ldap_bind(options(), "a,ou=x", kCommaPw);
  EXPECT_TRUE(r.ok()) << describe(r);
  r = ldap_bind(options(), "#lead", kHashPw);
  EXPECT_TRUE(r.ok()) << describe(r);
  r = ldap_bind(options(), "back\\slash", kBackslashPw);
  EXPECT_TRUE(r.ok()) << describe(r);
}

// Documents the server's matching rule (see ldap_auth.h): uid is caseIgnoreMatch with
// insignificant spaces, so these reach alice's entry and need alice's password.
TEST_F(LdapAuthTest, UsernameMatchingIsTheServers) {
  EXPECT_TRUE(ldap_bind(options(), "ALICE", kAlicePw).ok());
  EXPECT_TRUE(ldap_bind(options(), "alice ", kAlicePw).ok());
  expect_kind(ldap_bind(options(), "alice ", kBobPw), ErrorKind::kUnauthenticated);
}

TEST_F(LdapAuthTest, StartTlsFailureIsUnavailableWithoutPlaintextFallback) {
  auto o = options();
  o.start_tls = true;  // this slapd has no TLS: StartTLS is refused
  auto before = slapd_->log().size();
  expect_kind(ldap_bind(o, "bob", kBobPw), ErrorKind::kUnavailable);
  EXPECT_EQ(slapd_->log().substr(before).find(" BIND dn="), std::string::npos)
      << "the password was sent after StartTLS failed";
}

TEST_F(LdapAuthTest, ConfigurationErrorsAreInternal) {
  auto o = options("uid=alice,ou=people,dc=ordo,dc=test");  // no {username}
  expect_kind(ldap_bind(o, "alice", kAlicePw), ErrorKind::kInternal);
  o = options("uid={username},,bad dn");
  expect_kind(ldap_bind(o, "alice", kAlicePw), ErrorKind::kInternal);
  o = options();
  o.url = "";
  expect_kind(ldap_bind(o, "alice", kAlicePw), ErrorKind::kInternal);
  o = options();
  o.url = "http://127.0.0.1:1";
  expect_kind(ldap_bind(o, "alice", kAlicePw), ErrorKind::kInternal);
}

TEST_F(LdapAuthTest, ConcurrentBindsAreIndependent) {
  std::atomic<int> wrong_results{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        bool good = (i + t) % 2 == 0;
        auto r = ldap_bind(options(), t % 2 ? "alice" : "bob", good ? (t % 2 ? kAlicePw : kBobPw) : "nope");
        bool as_expected = good ? r.ok() : (!r.ok() && r.error().kind == ErrorKind::kUnauthenticated);
        if (!as_expected) ++wrong_results;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong_results.load(), 0);
}

// Failure modes that need no directory.
TEST(LdapUnavailableTest, ClosedPortIsUnavailableQuickly) {
  int port = free_port();
  ASSERT_GT(port, 0);
  LdapOptions o{.url = "ldap://127.0.0.1:" + std::to_string(port), .user_dn_template = kPeopleTemplate,
                .timeout_seconds = 2};
  auto start = steady_clock::now();
  auto r = ldap_bind(o, "alice", kAlicePw);
  auto elapsed = steady_clock::now() - start;
  expect_kind(r, ErrorKind::kUnavailable);
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(r.error().message.find(kAlicePw), std::string::npos);
}

// A listener that never accepts: the TCP connect succeeds (kernel backlog) and the bind
// request gets no answer, so only the operation timeout ends the wait.
TEST(LdapUnavailableTest, SilentServerTimesOut) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  LdapOptions o{.url = "ldap://127.0.0.1:" + std::to_string(ntohs(a.sin_port)),
                .user_dn_template = kPeopleTemplate, .timeout_seconds = 1};
  auto start = steady_clock::now();
  auto r = ldap_bind(o, "alice", kAlicePw);
  auto elapsed = steady_clock::now() - start;
  close(fd);
  expect_kind(r, ErrorKind::kUnavailable);
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3500));
}

TEST(LdapUnavailableTest, EmptyPasswordIsInvalidBeforeConnecting) {
  LdapOptions o{.url = "ldap://127.0.0.1:1", .user_dn_template = kPeopleTemplate, .timeout_seconds = 1};
  expect_kind(ldap_bind(o, "alice", ""), ErrorKind::kInvalid);
}

TEST(LdapEscapeTest, EscapesRfc4514Specials) {
  EXPECT_EQ(escape_dn_value("alice"), "alice");
  EXPECT_EQ(escape_dn_value("a,ou=x"), "a\\,ou\\=x");
  EXPECT_EQ(escape_dn_value("*"), "*");  // special in filters, not in DNs
  EXPECT_EQ(escape_dn_value("\\"), "\\\\");
  EXPECT_EQ(escape_dn_value("#lead"), "\\#lead");
  EXPECT_EQ(escape_dn_value("mid#dle"), "mid#dle");
  EXPECT_EQ(escape_dn_value("bob "), "bob\\ ");
  EXPECT_EQ(escape_dn_value(" bob"), "\\ bob");
  EXPECT_EQ(escape_dn_value("a b"), "a b");
  EXPECT_EQ(escape_dn_value(" "), "\\ ");
  EXPECT_EQ(escape_dn_value("\"+;<>"), "\\\"\\+\\;\\<\\>");
  EXPECT_EQ(escape_dn_value(std::string("a\0b\n\x7F", 5)), "a\\00b\\0A\\7F");
  EXPECT_EQ(escape_dn_value("J\xC3\xBCrgen"), "J\xC3\xBCrgen");  // UTF-8 passes through
  EXPECT_EQ(escape_dn_value(""), "");
}

// End to end through App::login: a user marked auth=ldap logs in with the directory's
// password (not a local one), and the directory being down is not a wrong password.

TEST_F(LdapAuthTest, AppLoginBindsDirectoryUsers) {
  std::string url = ordo::testing::fresh_sqlite_url();
  ManualClock clock(1772442900);
  ASSERT_TRUE(init_database({url, "admin", "admin-password-long", true, &clock}));
  AppOptions o;
  o.db_url = url;
  o.clock = &clock;
  o.fast_password_hashing = true;
  o.ldap = options();
  auto app = App::open(o);
  ASSERT_TRUE(app) << app.error().message;
  auto made = (*app)->create_user((*app)->system_principal(),
                                  boost::json::object{{"username", "alice"}, {"auth", "ldap"}, {"roles", boost::json::array{"agent"}}});
  ASSERT_TRUE(made) << made.error().message;
  auto ok = (*app)->login("alice", kAlicePw, "test");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->user.at("username"), "alice");
  auto wrong = (*app)->login("alice", "not-alices-password", "test");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::kUnauthenticated);
  // bob exists in the directory but not in Ordo: no login.
  EXPECT_FALSE((*app)->login("bob", kBobPw, "test"));
  (*app)->close();
  o.ldap.url = "ldap://127.0.0.1:1";  // nothing listens there
  auto down = App::open(o);
  ASSERT_TRUE(down);
  auto unavailable = (*down)->login("alice", kAlicePw, "test");
  ASSERT_FALSE(unavailable);
  EXPECT_EQ(unavailable.error().kind, ErrorKind::kUnavailable);
}

}  // namespace
}  // namespace ordo
