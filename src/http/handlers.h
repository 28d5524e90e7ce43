// Handlers: the pure request -> response functions behind the route table (router.cc).
//
// Each handler translates one HTTP request into one App call and its Result into a
// Response: JSON bodies on success, problem+json on error. They parse and validate only
// what is HTTP-specific (JSON syntax, If-Match, path ids); business rules stay in App.
// Record handlers look the type up by its plural at request time, so a new record type in
// the registry needs no handler code. They may block (the App waits for group commit);
// the server runs them on worker threads. Stateless and thread-safe.
//
//   Response r = get_record_handler(app, req, {{"type", "incidents"}, {"id", "7"}}, &principal);
#pragma once

#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "domain/result.h"
#include "http/message.h"
#include "http/router.h"

namespace ordo {

struct RecordType;

// --- Building blocks (also used by the router) ---
inline constexpr std::string_view kJson = "application/json";
Response json_response(unsigned status, const boost::json::value& body);
// A problem response; internal errors are logged with the request id first.
Response error_response(const Request& req, const Error& e);
// The body as a JSON object: kInvalid "malformed JSON" or "request body must be a JSON object".
Result<boost::json::object> parse_json_object(std::string_view body);
// `ETag: "<version>"` from the record's "version" member, when it has one.
void set_etag(Response& r, const boost::json::object& record);
// The record type named by the {type} capture, or a 404 problem.
Result<const RecordType*> record_type(App& app, const PathParams& params);
// A path id capture ({id} by default), or a 404 problem.
Result<std::int64_t> record_id(const PathParams& params, std::string_view name = "id");

// --- Operations ---
Response health_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Handler metrics_handler(const Metrics* metrics);

// --- Authentication ---
Handler login_handler(bool secure_cookies);
Handler logout_handler(bool secure_cookies);
Response create_token_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Handler logout_all_handler(bool secure_cookies);
Response list_tokens_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response revoke_token_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

// --- Users (user_handlers.cc) ---
Response me_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response list_users_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response create_user_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response get_user_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response patch_user_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response audit_events_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response import_incidents_handler(App& app, const Request& req, const PathParams& params, const Principal* p);  // import_handlers.cc
Response set_password_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

// --- Records ---
Response meta_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response list_records_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response create_record_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response get_record_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response patch_record_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response transition_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response history_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

// --- Service levels ---
Response sla_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response catalogue_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response sla_report_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

// --- Knowledge (knowledge_handlers.cc) ---
Response knowledge_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response knowledge_revisions_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

// --- Problems (problem_handlers.cc) ---
Response problem_incidents_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response link_problem_incidents_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response unlink_problem_incident_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response problem_from_incidents_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response incident_trends_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

// --- Service requests (request_handlers.cc) ---
Response approval_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

// --- Ticket conversation and notifications (conversation_handlers.cc) ---
Response list_comments_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response add_comment_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response list_attachments_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response upload_attachment_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response get_attachment_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response attachment_content_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response list_watchers_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response add_watcher_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response remove_watcher_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response list_notifications_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response read_notification_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response read_all_notifications_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

// --- Service desk (service_desk_handlers.cc) ---
Response survey_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response queues_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response search_handler(App& app, const Request& req, const PathParams& params, const Principal* p);
Response ticket_report_handler(App& app, const Request& req, const PathParams& params, const Principal* p);

}  // namespace ordo
