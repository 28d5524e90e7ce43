// App: the use cases behind the HTTP API and the CLI, one call per command or query.
//
// Every write runs in one transaction together with its hash-chained event. Calls are
// thread-safe: the HTTP server calls them from many threads at once. Expected failures come
// back as Result errors (domain/result.h); src/http maps them to problem+json.
//
//   auto app = App::open({.db_url = "sqlite:var/ordo.db"});
//   auto p = (*app)->authenticate_bearer(token);
//   auto rec = (*app)->create(*p, *(*app)->registry().by_plural("incidents"), body);
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "app/ldap_auth.h"
#include "domain/clock.h"
#include "domain/registry.h"
#include "domain/result.h"
#include "store/event_log.h"
#include "store/store_stats.h"

namespace ordo {

class Store;

// Who is calling. Built by authenticate_*; the HTTP layer keeps it for one request.
struct Principal {
  std::int64_t user_id = 0;
  std::string username;
  std::vector<std::string> roles;
  std::optional<std::int64_t> organisation;
  bool via_session = false;   // cookie-authenticated: writes need the CSRF token
  bool read_only = false;     // a read-only API token
  std::string csrf_token;     // the session's CSRF token (empty for bearer tokens)
  bool has_role(std::string_view r) const;
};

struct Session {
  std::string token;       // the cookie value; stored only as a hash
  std::string csrf_token;  // returned to the client, echoed in X-CSRF-Token
  Instant expires_at = 0;
  boost::json::object user;  // {id, username, display_name, roles, organisation}
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// How the incident process runs at this site (ordo.toml [incident]).
struct IncidentOptions {
  // Resolved incidents close on their own this many days after resolution unless the
  // requester reopens them (0: never). The scheduler runs App::run_auto_close.
  std::int64_t auto_close_days = 5;
  // Incidents of this priority are major incidents like those flagged major_incident
  // ("" = only the flag): they need a post-incident review before they close.
  std::string major_priority = "P1";
  // impact (rows, 1 high … 3 low) × urgency (columns) → priority, for every ticket type with
  // impact, urgency and priority. Default DESIGN.md's [[P1,P2,P3],[P2,P3,P4],[P3,P4,P4]].
  std::array<std::array<std::string, 3>, 3> priority_matrix{{{"P1", "P2", "P3"}, {"P2", "P3", "P4"}, {"P3", "P4", "P4"}}};
};

// How files attached to tickets are kept (ordo.toml [attachments]).
struct AttachmentOptions {
  std::int64_t max_bytes = 10 * 1024 * 1024;  // larger uploads are refused (413)
};

struct AppOptions {
  std::string db_url;                     // "sqlite:PATH" or "postgresql://…"
  const Clock* clock = nullptr;           // defaults to the system clock
  std::int64_t session_idle_seconds = 8 * 3600;
  std::int64_t session_absolute_seconds = 7 * 24 * 3600;
  // How long an API token, once checked, is trusted without reading it again (app/token_cache.h).
  // Changes through this process apply at once; those made by another process (the CLI,
  // another node) at most this late. 0: read the token on every request.
  std::int64_t auth_cache_seconds = 2;
  bool fast_password_hashing = false;     // tests only: argon2id with minimum cost
  LdapOptions ldap;                       // users with auth = "ldap" bind here when set
  IncidentOptions incident;
  AttachmentOptions attachments;
};

struct InitOptions {
  std::string db_url;
  std::string admin_user = "admin";
  std::string admin_password;  // at least 12 characters
  bool fast_password_hashing = false;
  const Clock* clock = nullptr;
};
// Cryptographically random bytes as lower-case hex (libsodium): tokens, generated passwords.
std::string random_token_hex(std::size_t bytes);

// The SLA report as CSV (one row per group and target, then a TOTAL row per target).
std::string sla_report_csv(const boost::json::object& report);

// Creates the schema and the first administrator. Refuses (kConflict) when the database
// already has an administrator, so it never overwrites one.
Result<void> init_database(const InitOptions& options);

class App {
 public:
  // Opens an initialised database and migrates its schema additively; kInvalid when
  // `ordo init` has not run on it.
  static Result<std::unique_ptr<App>> open(const AppOptions& options);
  virtual ~App();

  const Registry& registry() const;
  const Clock& clock() const;
  StoreStats& store_stats();
  Store& store();

  // --- Records (generic over every declared type) ---
  boost::json::object meta() const;  // GET /api/v1/meta
  Result<boost::json::object> create(const Principal& p, const RecordType& t, const boost::json::object& body);
  Result<boost::json::object> get(const Principal& p, const RecordType& t, std::int64_t id);
  // expected_version from If-Match; when absent, the body's "version" member is used.
  Result<boost::json::object> patch(const Principal& p, const RecordType& t, std::int64_t id,
                                    std::optional<std::int64_t> expected_version,
                                    const boost::json::object& body);
  // body: {"to": "resolved", "version"?: N, <field>: <value>...}
  Result<boost::json::object> transition(const Principal& p, const RecordType& t, std::int64_t id,
                                         std::optional<std::int64_t> expected_version,
                                         const boost::json::object& body);
  // params: filters (field=value, field.op=value), sort, limit, cursor, q, count.
  Result<boost::json::object> list(const Principal& p, const RecordType& t, const QueryParams& params);
  Result<boost::json::object> history(const Principal& p, const RecordType& t, std::int64_t id);

  // --- Service levels ---
  // GET /api/v1/{plural}/{id}/sla: the ticket's clock as of now, recomputed from its
  // history: the agreement, and per target the figures and the segments explaining them.
  Result<boost::json::object> sla(const Principal& p, const RecordType& t, std::int64_t id);
  // Fires the SLA events that are due (the due queue, src/app/sla.h); returns how many.
  // Called by the scheduler in src/jobs every few seconds, and by tests with a manual clock.
  Result<std::int64_t> run_sla_timers(std::int64_t limit = 500);
  // Closes up to `limit` incidents resolved more than IncidentOptions::auto_close_days ago
  // (as "system"; major incidents without their review stay resolved). Returns how many.
  Result<std::int64_t> run_auto_close(std::int64_t limit = 500);
  // GET /api/v1/catalogue[?customer=ID]: live services offered to a customer, with their
  // active catalogue items. Requesters always get their own organisation's, without
  // internal fields; staff may name a customer or see every live service.
  Result<boost::json::object> catalogue(const Principal& p, const QueryParams& params);
  // GET /api/v1/reports/sla?from=&to=&group_by=service,customer,agreement,priority
  // &breaches=true&breach_limit=1000: attainment (met ÷ ended) per group and target, breach
  // counts and the breached tickets over [from, to) (default: the last 30 days). Staff only.
  Result<boost::json::object> sla_report(const Principal& p, const QueryParams& params);

  // --- Service desk (src/app/service_desk.cc) ---
  // POST /api/v1/{plural}/{id}/survey {"rating": 1-5, "comment"?}: the customer's one
  // satisfaction answer on a resolved or closed ticket. Requesters of the ticket's
  // organisation only; a second answer is 409. Appends a "survey" event.
  Result<boost::json::object> answer_survey(const Principal& p, const RecordType& t, std::int64_t id,
                                            const boost::json::object& body);
  // GET /api/v1/queues?type=incidents: the caller's queues with live counts: the default
  // ones (my open tickets by SLA due time, unassigned in my teams, breached, at risk) and the
  // saved filters (record type saved_filter) that are theirs or their teams'. Each has the
  // list query to run (GET /api/v1/{plural}?{query}) with @me / @my_teams expanded. Staff only.
  Result<boost::json::object> queues(const Principal& p, const QueryParams& params);
  // GET /api/v1/search?q=&limit=: full-text search across every ticket and article type
  // the caller may read, and ticket comments (public ones only for requesters).
  Result<boost::json::object> search(const Principal& p, const QueryParams& params);
  // GET /api/v1/reports/tickets?type=incidents&from=&to=&group_by=service|priority|assignment_group:
  // the KPIs of DESIGN.md over tickets resolved in [from, to): MTTR, reopen rate, first-time
  // fix, reassignment distribution, satisfaction; each with the list query behind it.
  Result<boost::json::object> ticket_report(const Principal& p, const QueryParams& params);

  // --- Problems and known errors (src/app/problems.cc, docs/problems.md) ---
  // POST /api/v1/problems/{id}/incidents {"incidents": [ids]}: sets each incident's
  // `problem` (an update event and a new version per incident) and appends one "link" event
  // to the problem, atomically. Incidents already linked to it are left alone; one linked to
  // another problem is 409. Returns {"linked": [ids], "incident_count": N}.
  Result<boost::json::object> link_problem_incidents(const Principal& p, std::int64_t problem_id,
                                                     const boost::json::object& body);
  // DELETE /api/v1/problems/{id}/incidents/{incident_id}: 404 unless linked to that problem.
  Result<void> unlink_problem_incident(const Principal& p, std::int64_t problem_id, std::int64_t incident_id);
  // GET /api/v1/problems/{id}/incidents: the incident list (GET /api/v1/incidents parameters)
  // filtered to the problem's incidents.
  Result<boost::json::object> problem_incidents(const Principal& p, std::int64_t problem_id, const QueryParams& params);
  // POST /api/v1/problems/from-incidents {"incidents": [ids], "title", <problem fields>...}:
  // a problem raised from incidents (its raised_from), with service, configuration item and
  // category taken from them when they share one and the most severe impact and urgency
  // unless given; the incidents are linked in the same transaction.
  Result<boost::json::object> problem_from_incidents(const Principal& p, const boost::json::object& body);
  // GET /api/v1/reports/incident-trends?from=&to=&min_count=5&by=service_category|configuration_item
  // &sample=20&limit=100: clusters of similar incidents reported in [from, to) with at least
  // min_count members, largest first: count, first/last reported_at, linked-to-a-problem
  // count, a sample of the newest incidents. Staff only.
  Result<boost::json::object> incident_trends(const Principal& p, const QueryParams& params);

  // --- Service requests (src/app/service_requests.cc) ---
  // POST /api/v1/service_requests/{id}/approval {"decision": "approve"|"reject", "comment"}:
  // the one decision on a request awaiting approval, by its approver or an administrator
  // (403 for anyone else, 409 when not awaiting approval; a rejection needs a comment).
  // Appends an "approval" event, then moves the request to approved and on to fulfilling
  // with its first fulfilment task, or to rejected, in one transaction. Returns the request.
  Result<boost::json::object> decide_approval(const Principal& p, std::int64_t id,
                                              std::optional<std::int64_t> expected_version,
                                              const boost::json::object& body);

  // --- Ticket conversation (src/app/conversation.cc, attachments.cc, notifications.cc) ---
  // Every ticket type (RecordType::is_ticket()) has comments, attachments and watchers; other
  // types answer 404. Reading follows the ticket's visibility: requesters see their
  // organisation's tickets and only what is public (no internal notes, nor their files).
  // Writing needs the right to change the ticket, except that requesters may reply, attach
  // files and watch on their organisation's tickets; auditors only read. Each write appends
  // an event to the ticket's hash chain in the same transaction. docs/tickets.md.
  //
  // GET /api/v1/{plural}/{id}/comments: {"items": [...]} oldest first.
  Result<boost::json::object> comments(const Principal& p, const RecordType& t, std::int64_t id);
  // POST /api/v1/{plural}/{id}/comments {"body", "internal"?: false}. A staff reply (event
  // "reply", meets the SLA response target), a requester's reply ("customer_reply": it hands
  // a ticket waiting in pending_customer back to in_progress) or an internal note (staff
  // only: "note"). Watchers and the assignee are notified. Returns the comment.
  Result<boost::json::object> add_comment(const Principal& p, const RecordType& t, std::int64_t id,
                                          const boost::json::object& body);
  // POST /api/v1/{plural}/{id}/attachments?filename=NAME[&comment=ID], the file as the body:
  // at most AttachmentOptions::max_bytes (kTooLarge), its content type sniffed from the bytes.
  // On a comment (the caller's own) it is as internal as the comment. Event "attachment".
  Result<boost::json::object> add_attachment(const Principal& p, const RecordType& t, std::int64_t id,
                                             const QueryParams& params, std::string_view bytes);
  // GET /api/v1/{plural}/{id}/attachments: {"items": [metadata...]} oldest first.
  Result<boost::json::object> attachments(const Principal& p, const RecordType& t, std::int64_t id);
  struct AttachmentFile {
    boost::json::object meta;  // id, record_type, record_id, comment, filename, size, sha256, content_type, ...
    std::string bytes;         // empty unless asked for
  };
  // GET /api/v1/attachments/{id}[/content]: visible when its ticket is (and, for requesters,
  // when it is not on an internal note); kNotFound otherwise.
  Result<AttachmentFile> attachment(const Principal& p, std::int64_t attachment_id, bool with_content);
  std::int64_t attachment_max_bytes() const;
  // GET /api/v1/{plural}/{id}/watchers: {"items": [{user, username, display_name, since}]};
  // requesters see only the watchers of their own organisation.
  Result<boost::json::object> watchers(const Principal& p, const RecordType& t, std::int64_t id);
  // POST /api/v1/{plural}/{id}/watchers {"user": ID}: staff add staff users; a requester adds
  // only themselves. Returns the watcher with "added": false when they already watched.
  Result<boost::json::object> add_watcher(const Principal& p, const RecordType& t, std::int64_t id,
                                          const boost::json::object& body);
  // DELETE /api/v1/{plural}/{id}/watchers/{user}: staff remove anyone, requesters themselves.
  // Idempotent (no event when they did not watch).
  Result<void> remove_watcher(const Principal& p, const RecordType& t, std::int64_t id, std::int64_t user_id);
  // GET /api/v1/notifications?unread=true&limit=(1..200, 50)&cursor=: the caller's own, newest
  // first: {"items", "next_cursor", "unread": N}.
  Result<boost::json::object> notifications(const Principal& p, const QueryParams& params);
  // POST /api/v1/notifications/{id}/read (someone else's: kNotFound) and .../read-all.
  Result<boost::json::object> read_notification(const Principal& p, std::int64_t notification_id);
  Result<boost::json::object> read_all_notifications(const Principal& p);

  // --- Knowledge (src/app/knowledge.cc, docs/knowledge.md) ---
  // GET /api/v1/knowledge?q=&service=&limit=&cursor=: the readers' view of knowledge
  // articles, most used first. Those who may not read the type (requesters) get published
  // articles for customers only; staff get published ones of any audience, or status=S.
  // q= is the type's full-text index. Items: id, number, title, summary, keywords,
  // body_html, services, review_by, published_at, revision, used_to_resolve (+ status and
  // audience for staff).
  Result<boost::json::object> knowledge(const Principal& p, const QueryParams& params);
  // GET /api/v1/knowledge_articles/{id}/revisions: every published revision, oldest first,
  // rebuilt from the article's history: {revision, published_at, published_by,
  // published_by_id, title, summary, keywords, body, body_html, audience}.
  Result<boost::json::object> knowledge_revisions(const Principal& p, std::int64_t id);

  // --- Authentication ---
  // Throttled per account and per source (kTooManyRequests with retry_after). A session
  // the client already had (`previous_session`) is ended: sessions rotate on login.
  Result<Session> login(std::string_view username, std::string_view password, std::string_view source,
                        std::string_view previous_session = {});
  Result<void> logout(std::string_view session_token);
  // Ends every session of the caller and of nobody else.
  Result<void> logout_everywhere(const Principal& p);
  Result<Principal> authenticate_session(std::string_view session_token);
  Result<Principal> authenticate_bearer(std::string_view token);
  // body {"name": "..."} -> {"id", "name", "token"} (the secret is shown only here)
  Result<boost::json::object> create_token(const Principal& p, const boost::json::object& body);
  Result<boost::json::object> list_tokens(const Principal& p);          // the caller's own
  Result<void> revoke_token(const Principal& p, std::int64_t token_id);  // own (admins: any)

  // --- Users (administrators manage them; everyone reads themselves) ---
  // body {"username","display_name","email","password","roles":[…],"organisation":id,"manager":id,
  //       "auth":"local"|"ldap"}; the manager approves the user's service requests.
  Result<boost::json::object> create_user(const Principal& p, const boost::json::object& body);
  Result<boost::json::object> list_users(const Principal& p, const QueryParams& params);
  Result<boost::json::object> get_user(const Principal& p, std::int64_t id);
  // body: display_name, email, roles, organisation, manager, disabled. Disabling ends the user's
  // sessions and revokes their tokens at once.
  Result<boost::json::object> patch_user(const Principal& p, std::int64_t id, const boost::json::object& body);
  // Admins: {"password"}; users themselves: {"current_password","password"}.
  Result<void> set_password(const Principal& p, std::int64_t id, const boost::json::object& body);
  Result<boost::json::object> me(const Principal& p);
  // Looks a user up by name (CLI).
  Result<std::int64_t> user_id_by_name(std::string_view username);

  // --- The audit trail (administrators and auditors) ---
  // The hash-chained event log, newest first: ?record_type=&record_id=&action=&actor_id=
  // &limit=(1..500, default 100)&cursor=(seq). Each item carries its hash and prev_hash.
  Result<boost::json::object> audit_events(const Principal& p, const QueryParams& params);

  // --- Import ---
  // Incidents with their history from another tool (src/app/import.cc, docs/import/ndjson.md).
  struct ImportProgress {
    std::int64_t lines_done = 0;   // lines written so far (committed)
    std::int64_t lines_total = 0;  // non-blank lines of the input
    std::int64_t batches = 0;      // transactions committed so far
    double seconds = 0;            // since the import started
  };
  struct ImportOptions {
    std::int64_t batch_size = 500;  // lines per transaction (1..10000)
    bool dry_run = false;           // check every line, write nothing
    // Called on the calling thread after validation (lines_done 0) and after each batch commits.
    std::function<void(const ImportProgress&)> progress;
  };
  // `ndjson`: one incident per line (blank lines ignored). Every line is parsed and checked,
  // with its service, customer and team names resolved, before anything is written; if any
  // line fails, nothing is written and the kInvalid error lists every problem as
  // "line N: member". Then the lines are written in batches, each batch atomic (one
  // transaction), each ticket with its history as events at their original times and its
  // SLA figures computed from them. A batch that fails after validation (a number taken
  // meanwhile) rolls back alone; the error says which lines were imported before it.
  // Administrators and process managers (of incidents) only. Returns {imported, batches,
  // first_number, last_number, seconds, dry_run}.
  Result<boost::json::object> import_incidents(const Principal& p, std::string_view ndjson,
                                               const ImportOptions& options);
  // A ServiceNow incident event log (CSV, one row per audit snapshot of an incident;
  // src/app/import_servicenow.cc, docs/import/servicenow.md): one incident per source
  // incident, with its number, priority, counters and timestamps as recorded and its history
  // rebuilt from the rows. Checked whole first as above (errors "line N: column"); then the
  // assignment groups that have no team become teams, and the incidents are written in
  // batches of batch_size incidents. Same roles. Returns {rows, incidents, imported, events,
  // batches, teams_created (teams_to_create on a dry run), first_number, last_number,
  // seconds, dry_run}.
  Result<boost::json::object> import_servicenow(const Principal& p, std::string_view csv,
                                                const ImportOptions& options);

  // --- Operations ---
  Result<void> health();  // the database answers
  // Walks the event chain (ordo audit verify).
  Result<VerifyReport> verify_audit_chain(const std::function<void(std::int64_t)>& progress = {});
  // A principal for the system itself (CLI commands such as demo data): acts as admin.
  Principal system_principal() const;
  // Stops the writer after the queued commands and closes connections.
  void close();

 protected:
  App() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ordo
