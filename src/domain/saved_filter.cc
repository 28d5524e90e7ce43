// Saved filters (personal and team queues): a named list query over one ticket type.
//
// The query is the list URL's query string (docs: DESIGN.md "Lists"), checked against the
// target type when saved, so a saved queue always runs. Two tokens are expanded when the
// queue runs (App::queues): @me (the caller's user id) and @my_teams (the teams the caller
// belongs to), e.g. "assignee=@me&status.in=new,in_progress&sort=sla_due_at".
// A filter with a team is shared with that team; without one it is its owner's.
#include <boost/json.hpp>

#include "domain/list_query.h"
#include "domain/registry.h"

namespace ordo {

namespace json = boost::json;

namespace {

// Splits "a=1&b.in=x,y" into pairs (no percent-decoding: values are ids, states, dates).
std::vector<std::pair<std::string, std::string>> split_query(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    out.emplace_back(std::string(part.substr(0, eq)),
                     eq == std::string_view::npos ? std::string() : std::string(part.substr(eq + 1)));
  }
  return out;
}

Result<void> check_saved_filter(json::object& values) {
  const RecordType* t = values["target"].is_string() ? default_registry().by_plural(values["target"].as_string()) : nullptr;
  if (!t || t->sla_resolved_state.empty())
    return field_error("target", "must name a ticket type's list, e.g. \"incidents\"");
  std::string q = values["query"].is_string() ? std::string(values["query"].as_string()) : std::string();
  auto params = saved_query_params(q, 0, {});
  auto parsed = parse_list_query(*t, params);
  if (!parsed) {
    const Error& e = parsed.error();
    return field_error("query", e.fields.empty() ? e.message : e.fields[0].field + ": " + e.fields[0].message);
  }
  return {};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> saved_query_params(std::string_view query, std::int64_t me,
                                                                    const std::vector<std::int64_t>& my_teams) {
  auto params = split_query(query);
  for (auto& [k, v] : params) {
    if (v == "@me") v = std::to_string(me);
    if (v == "@my_teams") {
      std::string list;
      for (auto id : my_teams) list += (list.empty() ? "" : ",") + std::to_string(id);
      v = list.empty() ? "0" : list;  // no team: matches nothing (ids start at 1)
    }
  }
  return params;
}

RecordType saved_filter_type() {
  RecordType t{"saved_filter", "saved_filters", "QRY", "8.6.1", "Saved filter", {}, {}};
  t.add(text("name").required().searchable().max_len(200))
      .add(text("target").required().indexed().max_len(100).labelled("List"))
      .add(text("query").required().max_len(2000).labelled("Query string"))
      .add(ref("owner", "user").indexed())
      .add(ref("team", "team").indexed().labelled("Shared with team"));
  t.check = check_saved_filter;
  t.policies = process_record_policies(/*requester_may_create=*/false);
  for (auto& p : t.policies)
    if (p.role == "requester") p.read = false;
  return t;
}

}  // namespace ordo
