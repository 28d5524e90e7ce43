// Import of ServiceNow's incident event log (App::import_servicenow,
// docs/import/servicenow.md): one Ordo incident per source incident, its history rebuilt
// from the log's rows.
//
//  1. Check. The CSV is read incident by incident and each incident planned
//     (domain/servicenow_import.h): every row's values, the record rules, the numbers
//     (unique in the file, an incident's rows contiguous, not yet in the database).
//     Assignment groups resolve to the teams of the same name; a group with no team gets a
//     stand-in id and is listed to be created. Any error anywhere: nothing is written, and
//     every error is listed as "line N: column".
//  2. Teams. The missing assignment groups become teams (App::create as the importing
//     user: reference records with their own create event).
//  3. Write. write_import (app/import_common.h) in batches of incidents; each batch reads
//     its incidents again from where the check found them. The plans carry the SLA figures
//     (the source's made_sla verdict): the SLA engine does not recompute them, since no
//     Ordo agreement applies to a ticket without a service.
#include <chrono>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/import_common.h"
#include "domain/servicenow_import.h"

namespace ordo {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxListedErrors = 1000;
// Ids stand in for teams still to be created while the file is checked (distinct, so a
// change from one new team to another is seen as a change).
constexpr std::int64_t kStandInTeam = std::int64_t{1} << 60;

// Where the check found an incident, to read it again when its batch is written.
struct Span {
  std::string number;
  std::int64_t first_line = 0, last_line = 0;
  std::size_t begin = 0;
};

void add_errors(std::vector<FieldError>& errors, std::int64_t line, const Error& e) {
  if (e.fields.empty()) errors.push_back({"line " + std::to_string(line), e.message});
  for (const auto& f : e.fields) errors.push_back(f);
}

}  // namespace

Result<json::object> App::import_servicenow(const Principal& p, std::string_view csv, const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ORDO_TRY(check_import_request(p, options));
  const Registry& reg = *impl_->registry;
  const RecordType& t = *reg.by_name("incident");
  const RecordType& team_type = *reg.by_name("team");
  const Instant now = impl_->clock->now();

  // --- Phase 1: check every incident ---
  ORDO_ASSIGN(ServiceNowReader reader, ServiceNowReader::open(csv));
  const ServiceNowHeader header = reader.header();
  ORDO_ASSIGN(NameIndex teams, impl_->store->read([&](SqlConn& c) { return load_names(c, team_type); }));
  std::map<std::string, std::int64_t, std::less<>> new_teams;  // name → stand-in id, then the real one
  std::vector<std::string> new_team_order;                     // in order of appearance
  std::set<std::string, std::less<>> ambiguous;
  auto team_id = [&](std::string_view name) -> std::int64_t {
    if (auto it = teams.find(name); it != teams.end()) {
      if (it->second.size() > 1) ambiguous.emplace(name);
      return it->second.front();
    }
    auto [it, fresh] = new_teams.try_emplace(std::string(name), kStandInTeam + static_cast<std::int64_t>(new_teams.size()));
    if (fresh) new_team_order.push_back(it->first);
    return it->second;
  };

  std::vector<Span> spans;
  std::map<std::string, std::size_t, std::less<>> seen;  // number → its span
  std::vector<FieldError> errors;
  std::int64_t rows = 0, events = 0, bad_incidents = 0;
  while (true) {
    auto next = reader.next();
    if (!next) {  // malformed CSV: the rest cannot be read
      add_errors(errors, reader.line(), next.error());
      ++bad_incidents;
      break;
    }
    if (!*next) break;
    const ServiceNowIncident& inc = **next;
    const std::size_t before = errors.size();
    rows += static_cast<std::int64_t>(inc.rows.size());
    if (auto it = seen.find(inc.number); it != seen.end()) {
      const Span& s = spans[it->second];
      errors.push_back({"line " + std::to_string(inc.lines.front()) + ": number",
                        "'" + inc.number + "' is also on lines " + std::to_string(s.first_line) + "–" +
                            std::to_string(s.last_line) + ": an incident's rows must be contiguous"});
    } else {
      seen.emplace(inc.number, spans.size());
    }
    spans.push_back({inc.number, inc.lines.front(), inc.lines.back(), inc.begin});
    auto plan = plan_servicenow(t, header, inc, team_id, now);
    if (!plan) add_errors(errors, inc.lines.front(), plan.error());
    else events += static_cast<std::int64_t>(plan->events.size());
    if (errors.size() != before) ++bad_incidents;
  }
  if (spans.empty() && errors.empty()) return invalid("nothing to import", {{"line 2", "the file has no rows"}});
  for (const auto& name : ambiguous)
    errors.push_back({"assignment_group", std::to_string(teams.find(name)->second.size()) + " teams are named '" +
                                              name + "': rename one of them first"});
  std::vector<std::string> wanted;
  wanted.reserve(seen.size());
  for (const auto& [number, unused] : seen) wanted.push_back(number);
  ORDO_ASSIGN(auto taken, impl_->store->read([&](SqlConn& c) { return taken_numbers(c, t, wanted); }));
  for (const auto& number : taken) {
    const Span& s = spans[seen.at(number)];
    errors.push_back({"line " + std::to_string(s.first_line) + ": number", "'" + number + "' is already used by an incident"});
    ++bad_incidents;
  }
  if (!errors.empty()) {
    std::string summary = std::to_string(errors.size()) + " error(s) in " + std::to_string(bad_incidents) + " of " +
                          std::to_string(spans.size()) + " incidents; nothing was imported";
    if (errors.size() > kMaxListedErrors) {
      errors.resize(kMaxListedErrors);
      summary += " (the first " + std::to_string(kMaxListedErrors) + " are listed)";
    }
    return invalid(std::move(summary), std::move(errors));
  }
  const auto incidents = static_cast<std::int64_t>(spans.size());
  if (options.progress) options.progress({0, incidents, 0, seconds_since(started)});
  json::object report{{"rows", rows},          {"incidents", incidents}, {"imported", 0},
                      {"events", events},      {"batches", 0},           {"first_number", nullptr},
                      {"last_number", nullptr}, {"dry_run", options.dry_run}};
  json::array team_names;
  for (const auto& n : new_team_order) team_names.emplace_back(n);
  report[options.dry_run ? "teams_to_create" : "teams_created"] = std::move(team_names);
  if (options.dry_run) {
    report["seconds"] = seconds_since(started);
    return report;
  }

  // --- Phase 2: the missing teams ---
  for (const auto& name : new_team_order) {
    auto created = create(p, team_type, json::object{{"name", name}});
    if (!created) {
      Error e = created.take_error();
      e.message = "creating the team '" + name + "' for the assignment group of that name failed: " + e.message +
                  "; no incident was imported";
      return e;
    }
    new_teams[name] = created->at("id").as_int64();
  }

  // --- Phase 3: the incidents, batch by batch ---
  ImportSource src;
  src.count = spans.size();
  src.unit = "incident";
  src.refresh_sla = false;
  src.lines = [&](std::size_t i) { return std::pair{spans[i].first_line, spans[i].last_line}; };
  src.plan = [&](std::size_t from, std::size_t to) -> Result<std::vector<ImportItem>> {
    ServiceNowReader again = ServiceNowReader::resume(header, csv, spans[from].begin, spans[from].first_line);
    std::vector<ImportItem> items;
    items.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) {
      ORDO_ASSIGN(auto inc, again.next());
      if (!inc || inc->number != spans[i].number)
        return internal_error("import: the file read differently the second time at line " +
                              std::to_string(spans[i].first_line));
      ORDO_ASSIGN(ImportPlan plan, plan_servicenow(t, header, *inc, team_id, now));
      items.push_back({std::move(inc->number), std::move(plan)});
    }
    return items;
  };
  ORDO_ASSIGN(ImportWritten w, write_import(*impl_->store, *impl_->sla, *impl_->clock, p, t, src, options, started));
  report["imported"] = w.imported;
  report["events"] = w.events;
  report["batches"] = w.batches;
  report["first_number"] = w.first_number;
  report["last_number"] = w.last_number;
  report["seconds"] = seconds_since(started);
  return report;
}

}  // namespace ordo
