// ordo: the command line. `ordo serve`, `ordo init`, `ordo audit verify`, `ordo user`, `ordo bench-data`,
// `ordo import incidents`, `ordo import servicenow`, `ordo version`.
// Settings: flags win over environment (ORDO_DB, ORDO_LISTEN) over the config file
// (ordo.toml, or --config FILE).
#include <signal.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <boost/json.hpp>

#include "app/app.h"
#include "app/bench_data.h"
#include "app/demo.h"
#include "http/server.h"
#include "jobs/scheduler.h"
#include "store/event_log.h"

namespace {

constexpr const char* kVersion = "0.1.0";

struct Settings {
  std::string db;
  std::string listen = "127.0.0.1:8080";
  std::string config;  // path of the TOML file, when one was read
  std::size_t worker_threads = 64;
  std::size_t io_threads = 2;
  std::size_t body_limit = 1 << 20;
  std::string static_dir;
  std::int64_t sla_timer_ms = 1000;  // [jobs] sla_interval_ms: how often the SLA due queue is read
  std::int64_t auth_cache_seconds = 2;  // [server] auth_cache_seconds (app/token_cache.h)
  ordo::LdapOptions ldap;
  ordo::IncidentOptions incident;  // [incident] auto_close_days, major_priority
  ordo::AttachmentOptions attachments;  // [attachments] max_bytes
};

// Reads the TOML config file into the settings the flags and environment left unset.
bool apply_config_file(Settings& s, const std::string& path, bool required, bool db_set, bool listen_set) {
  if (path.empty() || !std::filesystem::exists(path)) {
    if (required) {
      std::cerr << "ordo: config file not found: " << path << "\n";
      return false;
    }
    return true;
  }
  try {
    toml::table t = toml::parse_file(path);
    if (!db_set)
      if (auto v = t["db"].value<std::string>()) s.db = *v;
    if (!listen_set)
      if (auto v = t["listen"].value<std::string>()) s.listen = *v;
    if (auto v = t["server"]["worker_threads"].value<int64_t>()) s.worker_threads = static_cast<std::size_t>(*v);
    if (auto v = t["server"]["io_threads"].value<int64_t>()) s.io_threads = static_cast<std::size_t>(*v);
    if (auto v = t["server"]["body_limit"].value<int64_t>()) s.body_limit = static_cast<std::size_t>(*v);
    if (auto v = t["server"]["static_dir"].value<std::string>()) s.static_dir = *v;
    if (auto v = t["server"]["auth_cache_seconds"].value<int64_t>()) {
      if (*v < 0 || *v > 300) throw std::invalid_argument("[server] auth_cache_seconds must be 0 (off) to 300");
      s.auth_cache_seconds = *v;
    }
    if (auto v = t["jobs"]["sla_interval_ms"].value<int64_t>(); v && *v >= 10) s.sla_timer_ms = *v;
    if (auto v = t["ldap"]["url"].value<std::string>()) s.ldap.url = *v;
    if (auto v = t["ldap"]["user_dn_template"].value<std::string>()) s.ldap.user_dn_template = *v;
    if (auto v = t["ldap"]["timeout_seconds"].value<int64_t>()) s.ldap.timeout_seconds = static_cast<int>(*v);
    if (auto v = t["ldap"]["start_tls"].value<bool>()) s.ldap.start_tls = *v;
    if (auto v = t["incident"]["auto_close_days"].value<int64_t>()) {
      if (*v < 0 || *v > 3650) throw std::invalid_argument("[incident] auto_close_days must be 0 (never) to 3650");
      s.incident.auto_close_days = *v;
    }
    if (auto* rows = t["incident"]["priority_matrix"].as_array()) {
      const char* shape = "[incident] priority_matrix must be 3 rows (impact 1-3) of 3 priorities (urgency 1-3), each P1 to P4";
      if (rows->size() != 3) throw std::invalid_argument(shape);
      for (std::size_t i = 0; i < 3; ++i) {
        auto* row = (*rows)[i].as_array();
        if (!row || row->size() != 3) throw std::invalid_argument(shape);
        for (std::size_t j = 0; j < 3; ++j) {
          auto p = (*row)[j].value<std::string>();
          if (!p || (*p != "P1" && *p != "P2" && *p != "P3" && *p != "P4")) throw std::invalid_argument(shape);
          s.incident.priority_matrix[i][j] = *p;
        }
      }
    }
    if (auto v = t["incident"]["major_priority"].value<std::string>()) {
      if (!v->empty() && *v != "P1" && *v != "P2" && *v != "P3" && *v != "P4")
        throw std::invalid_argument("[incident] major_priority must be \"\" (flag only) or P1 to P4");
      s.incident.major_priority = *v;
    }
    if (auto v = t["attachments"]["max_bytes"].value<int64_t>()) {
      if (*v < 1 || *v > (int64_t{1} << 30)) {
        std::cerr << "ordo: " << path << ": [attachments] max_bytes must be 1 to 1073741824\n";
        return false;
      }
      s.attachments.max_bytes = *v;
    }
    s.config = path;
  } catch (const toml::parse_error& e) {
    std::cerr << "ordo: " << path << ":" << e.source().begin.line << ": " << e.description() << "\n";
    return false;
  } catch (const std::invalid_argument& e) {
    std::cerr << "ordo: " << path << ": " << e.what() << "\n";
    return false;
  }
  return true;
}

bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return !host.empty();
}

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

int fail(const ordo::Error& e) {
  std::cerr << "ordo: " << e.message << "\n";
  for (const auto& f : e.fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
  return 1;
}

// `ordo import incidents FILE` (NDJSON) and `ordo import servicenow FILE` (ServiceNow's
// incident event log, CSV): a progress line on a terminal, a summary on stdout, every
// per-line error on stderr; exit 1 when anything failed.
int run_import(bool servicenow, const std::string& db, const std::string& file, std::int64_t batch, bool dry_run,
               const std::string& as_user) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "ordo: cannot read " << file << "\n";
    return 2;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto app = ordo::App::open({.db_url = db});
  if (!app) return fail(app.error());
  ordo::Principal who = (*app)->system_principal();
  if (!as_user.empty()) {
    auto id = (*app)->user_id_by_name(as_user);
    if (!id) return fail(id.error());
    auto u = (*app)->get_user(who, *id);
    if (!u) return fail(u.error());
    if (u->at("disabled").as_bool()) {
      std::cerr << "ordo: user " << as_user << " is disabled\n";
      return 1;
    }
    who.user_id = *id;
    who.username = as_user;
    who.roles.clear();
    for (const auto& r : u->at("roles").as_array()) who.roles.emplace_back(r.as_string());
  }
  const bool tty = isatty(STDERR_FILENO);
  ordo::App::ImportOptions options;
  options.batch_size = batch;
  options.dry_run = dry_run;
  const char* unit = servicenow ? "incidents" : "lines";
  options.progress = [&](const ordo::App::ImportProgress& p) {
    if (!tty) return;
    double rate = p.seconds > 0 ? static_cast<double>(p.lines_done) / p.seconds : 0;
    std::fprintf(stderr, "\rimporting… %lld/%lld %s, %lld batches, %.0f %s/s   ", static_cast<long long>(p.lines_done),
                 static_cast<long long>(p.lines_total), unit, static_cast<long long>(p.batches), rate, unit);
  };
  if (tty) std::fprintf(stderr, "checking %s…", file.c_str());
  auto rep = servicenow ? (*app)->import_servicenow(who, text, options) : (*app)->import_incidents(who, text, options);
  if (tty) std::fprintf(stderr, "\n");
  (*app)->close();
  if (!rep) {
    const ordo::Error& e = rep.error();
    for (const auto& f : e.fields) std::cerr << file << ": " << f.field << ": " << f.message << "\n";
    std::cerr << "ordo: import failed: " << e.message << "\n";
    return 1;
  }
  const auto& r = *rep;
  double secs = r.at("seconds").to_number<double>();
  if (servicenow) {
    long long rows = r.at("rows").as_int64(), incidents = r.at("incidents").as_int64(), events = r.at("events").as_int64();
    if (dry_run) {
      std::printf("ok: %lld rows, %lld incidents (%lld events) checked, %zu teams to create, nothing written (dry run)\n",
                  rows, incidents, events, r.at("teams_to_create").as_array().size());
      return 0;
    }
    std::printf("ok: imported %lld incidents from %lld rows (%lld events, %zu new teams) in %lld batches (%s … %s) in %.1f s, "
                "%.0f incidents/s\n",
                incidents, rows, events, r.at("teams_created").as_array().size(),
                static_cast<long long>(r.at("batches").as_int64()), std::string(r.at("first_number").as_string()).c_str(),
                std::string(r.at("last_number").as_string()).c_str(), secs,
                secs > 0 ? static_cast<double>(incidents) / secs : 0.0);
    return 0;
  }
  long long lines = r.at("lines").as_int64(), imported = r.at("imported").as_int64();
  if (dry_run) {
    std::cout << "ok: " << lines << " lines checked, nothing written (dry run)\n";
    return 0;
  }
  std::printf("ok: imported %lld incidents in %lld batches (%s … %s) in %.1f s, %.0f lines/s\n", imported,
              static_cast<long long>(r.at("batches").as_int64()), std::string(r.at("first_number").as_string()).c_str(),
              std::string(r.at("last_number").as_string()).c_str(), secs, secs > 0 ? static_cast<double>(imported) / secs : 0.0);
  return 0;
}

}  // namespace

namespace {

// `ordo bench-data` (issues #4 and #6): a database full of realistic incidents for
// benchmarks (src/app/bench_data.h). Progress on a terminal; the summary on stdout, as JSON
// with --json.
int bench_data(const std::string& db, ordo::BenchDataOptions options, const std::string& at, bool as_json) {
  if (!at.empty()) {
    auto t = ordo::parse_rfc3339(at);
    if (!t) {
      std::cerr << "ordo: --now must be an RFC 3339 time such as 2026-03-02T09:15:00Z, got '" << at << "'\n";
      return 2;
    }
    options.now = *t;
  }
  auto app = ordo::App::open({.db_url = db});
  if (!app) return fail(app.error());
  const bool tty = isatty(STDERR_FILENO);
  options.progress = [&](const ordo::BenchDataProgress& p) {
    if (!tty) return;
    double rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
    std::fprintf(stderr, "\rbench-data: %lld/%lld incidents, %.0f incidents/s   ", static_cast<long long>(p.done),
                 static_cast<long long>(p.total), rate);
  };
  auto rep = ordo::generate_bench_data(**app, options);
  if (tty) std::fprintf(stderr, "\n");
  (*app)->close();
  if (!rep) return fail(rep.error());
  double rate = rep->incident_seconds > 0 ? static_cast<double>(rep->incidents) / rep->incident_seconds : 0;
  if (as_json) {
    std::cout << boost::json::serialize(boost::json::object{
                     {"incidents", rep->incidents}, {"events", rep->events}, {"not_closed", rep->open},
                     {"setup_seconds", rep->setup_seconds}, {"incident_seconds", rep->incident_seconds},
                     {"index_seconds", rep->index_seconds}, {"incidents_per_second", rate}})
              << "\n";
  } else {
    std::printf("ok: %lld incidents (%lld not closed), %lld events in %.1f s: %.0f incidents/s "
                "(set-up %.1f s, indexes %.1f s)\n",
                static_cast<long long>(rep->incidents), static_cast<long long>(rep->open),
                static_cast<long long>(rep->events), rep->incident_seconds, rate, rep->setup_seconds,
                rep->index_seconds);
  }
  return 0;
}

}  // namespace

// glibc gives each thread that allocates its own arena, up to 8 per core, and keeps what
// is freed in it. `ordo serve` runs 64 workers: full-text searches and reports on 1M tickets
// left ~340 MiB of RSS mostly in idle arenas; with 4 arenas it stayed at ~220 MiB at the same
// throughput (docs/performance.md). MALLOC_ARENA_MAX in the environment still wins.
namespace {
void limit_malloc_arenas() {
#if defined(__GLIBC__)
  if (!std::getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 4);
#endif
}
}  // namespace

int main(int argc, char** argv) {
  limit_malloc_arenas();
  CLI::App cli{"Ordo — ISO/IEC 20000 service management"};
  cli.require_subcommand(1);
  Settings s;
  std::string config_path = "ordo.toml";

  // Each subcommand gets its own --db option (not bound to s.db): CLI11 fills options from
  // the environment even for subcommands that were not given, and a shared variable would
  // then take another subcommand's value. load_config copies the one that was used.
  auto add_db = [&](CLI::App* sub) {
    return sub->add_option("--db", "database: sqlite:PATH or postgresql://…")->envname("ORDO_DB");
  };
  auto add_config = [&](CLI::App* sub) {
    return sub->add_option("--config", config_path, "TOML config file (default ./ordo.toml if present)");
  };

  // serve
  auto* serve = cli.add_subcommand("serve", "serve the API and the web UI");
  auto* serve_db = add_db(serve);
  auto* serve_listen = serve->add_option("--listen", "HOST:PORT to listen on")->envname("ORDO_LISTEN");
  auto* serve_cfg = add_config(serve);
  serve->add_option("--threads", s.worker_threads, "request worker threads");
  serve->add_option("--static-dir", s.static_dir, "directory of the built web UI");

  // init
  auto* init = cli.add_subcommand("init", "create the schema and the first administrator");
  auto* init_db = add_db(init);
  auto* init_cfg = add_config(init);
  std::string admin_user = "admin", password_file;
  bool generate = false, demo = false;
  init->add_option("--admin-user", admin_user, "administrator user name");
  auto* pw_opt = init->add_option("--admin-password-file", password_file, "file holding the administrator's password");
  init->add_flag("--generate-password", generate, "generate a password and print it once")->excludes(pw_opt);
  init->add_flag("--demo", demo, "also load demo organisations, services and incidents");

  // audit verify
  auto* audit = cli.add_subcommand("audit", "audit trail tools");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "verify the hash chain of the event log");
  auto* verify_db = add_db(verify);
  auto* verify_cfg = add_config(verify);

  // user add / user passwd
  auto* user = cli.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "create a user");
  auto* user_add_db = add_db(user_add);
  auto* user_add_cfg = add_config(user_add);
  std::string u_name, u_display, u_email, u_pwfile, u_auth = "local";
  std::vector<std::string> u_roles;
  std::int64_t u_org = 0;
  user_add->add_option("username", u_name, "login name")->required();
  user_add->add_option("--role", u_roles, "role (repeatable): admin, process_manager[:type], agent, auditor, requester")
      ->required();
  user_add->add_option("--display-name", u_display, "full name");
  user_add->add_option("--email", u_email, "e-mail address");
  user_add->add_option("--organisation", u_org, "organisation id (requesters: their customer organisation)");
  user_add->add_option("--password-file", u_pwfile, "file holding the password (local users)");
  user_add->add_option("--auth", u_auth, "local or ldap")->check(CLI::IsMember({"local", "ldap"}));
  auto* user_passwd = user->add_subcommand("passwd", "set a user's password");
  auto* user_passwd_db = add_db(user_passwd);
  auto* user_passwd_cfg = add_config(user_passwd);
  user_passwd->add_option("username", u_name, "login name")->required();
  user_passwd->add_option("--password-file", u_pwfile, "file holding the new password")->required();

  // import incidents
  auto* import_cmd = cli.add_subcommand("import", "import records with their history");
  import_cmd->require_subcommand(1);
  auto* import_inc = import_cmd->add_subcommand("incidents", "import incidents from an NDJSON file (docs/import/ndjson.md)");
  auto* import_db = add_db(import_inc);
  auto* import_cfg = add_config(import_inc);
  std::string import_file, import_as;
  std::int64_t import_batch = 500;
  bool import_dry = false;
  import_inc->add_option("file", import_file, "NDJSON file: one incident per line")->required();
  import_inc->add_option("--batch", import_batch, "lines per transaction")->check(CLI::Range(1, 10000));
  import_inc->add_flag("--dry-run", import_dry, "check every line, write nothing");
  import_inc->add_option("--as", import_as, "the user the history is recorded as (default: the system)");
  auto* import_sn = import_cmd->add_subcommand(
      "servicenow", "import incidents from a ServiceNow incident event log, CSV (docs/import/servicenow.md)");
  auto* import_sn_db = add_db(import_sn);
  auto* import_sn_cfg = add_config(import_sn);
  import_sn->add_option("file", import_file, "CSV file: one row per audit snapshot of an incident")->required();
  import_sn->add_option("--batch", import_batch, "incidents per transaction")->check(CLI::Range(1, 10000));
  import_sn->add_flag("--dry-run", import_dry, "check every row, write nothing");
  import_sn->add_option("--as", import_as, "the user the history is recorded as (default: the system)");

  // bench-data
  auto* bench = cli.add_subcommand("bench-data", "fill a freshly initialised database with realistic benchmark data");
  auto* bench_db = add_db(bench);
  auto* bench_cfg = add_config(bench);
  ordo::BenchDataOptions bench_opts;
  std::string bench_now;
  bool bench_json = false;
  bench->add_option("--incidents", bench_opts.incidents, "how many incidents")->required()->check(CLI::NonNegativeNumber);
  bench->add_option("--seed", bench_opts.seed, "random seed (same seed, same data)");
  bench->add_option("--services", bench_opts.services, "live services")->check(CLI::PositiveNumber);
  bench->add_option("--customers", bench_opts.customers, "customer organisations")->check(CLI::PositiveNumber);
  bench->add_option("--teams", bench_opts.teams, "support teams")->check(CLI::PositiveNumber);
  bench->add_option("--batch", bench_opts.batch, "incidents per transaction")->check(CLI::PositiveNumber);
  bench->add_option("--threads", bench_opts.threads, "threads preparing incidents (default: one per core)")
      ->check(CLI::PositiveNumber);
  bench->add_option("--now", bench_now, "RFC 3339 instant the history ends and SLA figures are taken at (default: now)");
  bench->add_flag("--json", bench_json, "print the summary as JSON");

  cli.add_subcommand("version", "print the version");

  CLI11_PARSE(cli, argc, argv);
  signal(SIGPIPE, SIG_IGN);  // a peer closing a socket (HTTP client, LDAP server) must not kill us

  spdlog::set_default_logger(spdlog::stderr_logger_mt("ordo"));  // logs on stderr, like the access log
  spdlog::set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%v"})", spdlog::pattern_time_type::utc);

  if (cli.got_subcommand("version")) {
    std::cout << "ordo " << kVersion << "\n";
    return 0;
  }

  auto load_config = [&](CLI::Option* cfg, CLI::Option* db, CLI::Option* listen) {
    if (db->count() > 0) s.db = db->as<std::string>();
    return apply_config_file(s, config_path, cfg->count() > 0, db->count() > 0, listen && listen->count() > 0);
  };
  auto need_db = [&]() {
    if (s.db.empty()) {
      std::cerr << "ordo: no database: pass --db sqlite:PATH, set ORDO_DB, or put db = \"…\" in ordo.toml\n";
      return false;
    }
    return true;
  };

  if (cli.got_subcommand("init")) {
    if (!load_config(init_cfg, init_db, nullptr) || !need_db()) return 2;
    std::string password;
    if (generate) {
      password = ordo::random_token_hex(12);
    } else if (!password_file.empty()) {
      password = read_secret_file(password_file);
      if (password.empty()) {
        std::cerr << "ordo: cannot read a password from " << password_file << "\n";
        return 2;
      }
    } else {
      std::cerr << "ordo: pass --admin-password-file PATH or --generate-password\n";
      return 2;
    }
    if (s.db.rfind("sqlite:", 0) == 0) {
      auto parent = std::filesystem::path(s.db.substr(7)).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
    }
    if (auto r = ordo::init_database({s.db, admin_user, password, false, nullptr}); !r) return fail(r.error());
    std::cout << "ordo: initialised the database; administrator: " << admin_user << "\n";
    if (generate)
      std::cout << "ordo: administrator password (shown once, store it now): " << password << "\n";
    if (demo) {
      auto app = ordo::App::open({.db_url = s.db});
      if (!app) return fail(app.error());
      auto n = ordo::load_demo_data(**app);
      if (!n) return fail(n.error());
      std::cout << "ordo: loaded " << *n << " demo records\n";
    }
    return 0;
  }

  if (cli.got_subcommand("user")) {
    bool adding = user->got_subcommand("add");
    if (!load_config(adding ? user_add_cfg : user_passwd_cfg, adding ? user_add_db : user_passwd_db, nullptr) ||
        !need_db())
      return 2;
    std::string password;
    if (!u_pwfile.empty()) {
      password = read_secret_file(u_pwfile);
      if (password.empty()) {
        std::cerr << "ordo: cannot read a password from " << u_pwfile << "\n";
        return 2;
      }
    }
    auto app = ordo::App::open({.db_url = s.db});
    if (!app) return fail(app.error());
    ordo::Principal sys = (*app)->system_principal();
    if (adding) {
      boost::json::object body{{"username", u_name}, {"auth", u_auth}};
      boost::json::array roles;
      for (const auto& r : u_roles) roles.push_back(boost::json::string(r));
      body["roles"] = std::move(roles);
      if (!u_display.empty()) body["display_name"] = u_display;
      if (!u_email.empty()) body["email"] = u_email;
      if (u_org > 0) body["organisation"] = u_org;
      if (u_auth == "local") body["password"] = password;
      auto created = (*app)->create_user(sys, body);
      if (!created) return fail(created.error());
      std::cout << "ordo: created user " << u_name << " (id " << created->at("id").as_int64() << ")\n";
      return 0;
    }
    auto id = (*app)->user_id_by_name(u_name);
    if (!id) return fail(id.error());
    auto done = (*app)->set_password(sys, *id, boost::json::object{{"password", password}});
    if (!done) return fail(done.error());
    std::cout << "ordo: password changed for " << u_name << "; their sessions were ended\n";
    return 0;
  }

  if (cli.got_subcommand("audit")) {
    if (!load_config(verify_cfg, verify_db, nullptr) || !need_db()) return 2;
    auto app = ordo::App::open({.db_url = s.db});
    if (!app) return fail(app.error());
    bool tty = isatty(STDERR_FILENO);
    auto rep = (*app)->verify_audit_chain([&](std::int64_t n) {
      if (tty) std::fprintf(stderr, "\rverifying… %lld events", static_cast<long long>(n));
    });
    if (tty) std::fprintf(stderr, "\n");
    if (!rep) return fail(rep.error());
    if (!rep->ok) {
      std::cout << "FAILED: event " << *rep->bad_seq << ": " << rep->problem << " (" << rep->checked
                << " events verified before it)\n";
      return 1;
    }
    std::cout << "ok: " << rep->checked << " events, hash chain intact\n";
    return 0;
  }

  if (cli.got_subcommand("import")) {
    const bool servicenow = import_sn->parsed();
    if (!load_config(servicenow ? import_sn_cfg : import_cfg, servicenow ? import_sn_db : import_db, nullptr) ||
        !need_db())
      return 2;
    return run_import(servicenow, s.db, import_file, import_batch, import_dry, import_as);
  }

  if (cli.got_subcommand("bench-data")) {
    if (!load_config(bench_cfg, bench_db, nullptr) || !need_db()) return 2;
    return bench_data(s.db, bench_opts, bench_now, bench_json);
  }

  if (cli.got_subcommand("serve")) {
    if (serve_listen->count() > 0) s.listen = serve_listen->as<std::string>();
    if (!load_config(serve_cfg, serve_db, serve_listen) || !need_db()) return 2;
    ordo::ServerOptions so;
    if (!split_listen(s.listen, so.host, so.port)) {
      std::cerr << "ordo: --listen must be HOST:PORT, got '" << s.listen << "'\n";
      return 2;
    }
    so.worker_threads = s.worker_threads;
    so.io_threads = s.io_threads;
    so.body_limit = s.body_limit;
    so.static_dir = s.static_dir;
    // SQLite answers a point read in microseconds from this process: run those on the I/O
    // threads (server.h). A PostgreSQL read is a network round trip; it stays on the workers.
    so.quick_reads_inline = s.db.rfind("sqlite:", 0) == 0;
    auto app = ordo::App::open({.db_url = s.db,
                                .auth_cache_seconds = s.auth_cache_seconds,
                                .ldap = s.ldap,
                                .incident = s.incident,
                                .attachments = s.attachments});
    if (!app) return fail(app.error());
    ordo::Server server(**app, so);
    auto port = server.start();
    if (!port) return fail(port.error());
    spdlog::info("listening on http://{}:{}", so.host, *port);
    std::cout << "ordo: serving on http://" << so.host << ":" << *port << std::endl;
    ordo::Scheduler jobs(**app, {.interval = std::chrono::milliseconds(s.sla_timer_ms)});
    jobs.start();
    server.run_until_signal();
    jobs.stop();
    (*app)->close();
    spdlog::info("stopped");
    return 0;
  }
  return 0;
}
