// Import of incidents with their history (App::import_incidents, docs/import/ndjson.md),
// and the write phase every importer shares (app/import_common.h).
//
// Two phases:
//  1. Check. Every non-blank line is parsed and planned (domain/import_line.h) with its
//     service, customer and team names resolved (one read of each name table per import)
//     and its number checked against the rest of the file and the database. Any error
//     anywhere ends the import here, before anything is written, with every error listed.
//  2. Write (write_import). Tickets go to the store in batches, one Store::write (one
//     transaction) per batch, so a batch is all-or-nothing. Each ticket is inserted in its
//     final state, with its sla_* fields computed by the SLA engine from its history as of
//     now (what a refresh from the stored history would give), its history appended as
//     events at their original times (the create at reported_at), and its due-queue row.
// Parsed lines and plans are not kept between the passes: each pass parses the line again
// with the same `now` (pure, so the result is the same), which keeps memory proportional to
// the input rather than to 100k planned tickets.
#include <chrono>
#include <future>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/import_common.h"
#include "domain/import_line.h"
#include "store/event_log.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {


struct Line {
  std::int64_t no = 0;     // 1-based line number in the input
  std::string_view text;   // without the line break
  ImportRefs refs;
};

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

std::vector<Line> split_lines(std::string_view input) {
  std::vector<Line> out;
  std::int64_t no = 0;
  while (!input.empty()) {
    ++no;
    std::size_t nl = input.find('\n');
    std::string_view text = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    if (text.ends_with('\r')) text.remove_suffix(1);
    if (!blank(text)) out.push_back({no, text, {}});
  }
  return out;
}

std::string line_field(std::int64_t no, const std::string& field) {
  return "line " + std::to_string(no) + (field.empty() ? "" : ": " + field);
}

std::optional<std::int64_t> resolve(const NameIndex& idx, const std::string& name, const char* field,
                                    const char* what, std::int64_t line_no, std::vector<FieldError>& errors) {
  if (name.empty()) return std::nullopt;
  auto it = idx.find(name);
  if (it == idx.end()) {
    errors.push_back({line_field(line_no, field), std::string("no ") + what + " named '" + name + "'"});
    return std::nullopt;
  }
  if (it->second.size() > 1) {
    errors.push_back({line_field(line_no, field), std::to_string(it->second.size()) + " " + what +
                                                      "s are named '" + name + "': rename one of them first"});
    return std::nullopt;
  }
  return it->second.front();
}

}  // namespace

Result<void> check_import_request(const Principal& p, const App::ImportOptions& options) {
  if (!p.has_role("admin") && !p.has_role("process_manager") && !p.has_role("process_manager:incident"))
    return Error{ErrorKind::kForbidden, "importing incidents needs the admin or process_manager role", {}, {}};
  if (options.batch_size < 1 || options.batch_size > kMaxImportBatch)
    return field_error("batch_size", "must be between 1 and " + std::to_string(kMaxImportBatch));
  return {};
}

Result<NameIndex> load_names(SqlConn& c, const RecordType& t) {
  ORDO_ASSIGN(auto rows, c.query("SELECT id, name FROM " + t.plural));
  NameIndex idx;
  for (const auto& r : rows) idx[sql_text(r[1])].push_back(sql_int(r[0]));
  return idx;
}

Result<std::set<std::string>> taken_numbers(SqlConn& c, const RecordType& t, const std::vector<std::string>& wanted) {
  constexpr std::size_t kNumbersPerQuery = 500;
  std::set<std::string> taken;
  for (std::size_t i = 0; i < wanted.size(); i += kNumbersPerQuery) {
    std::size_t n = std::min(kNumbersPerQuery, wanted.size() - i);
    std::string sql = "SELECT number FROM " + t.plural + " WHERE number IN (";
    std::vector<SqlValue> params;
    params.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      sql += k ? ", ?" : "?";
      params.push_back(wanted[i + k]);
    }
    sql += ")";
    ORDO_ASSIGN(auto rows, c.query(sql, params));
    for (const auto& r : rows) taken.insert(sql_text(r[0]));
  }
  return taken;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result<ImportWritten> write_import(Store& store, SlaEngine& sla, const Clock& clock, const Principal& p,
                                   const RecordType& t, const ImportSource& src, const App::ImportOptions& options,
                                   std::chrono::steady_clock::time_point started) {
  // Each batch is planned on this thread while the previous one is written (the writer
  // thread, shared with live commands, only runs the SQL), and written through
  // Store::write on a helper thread so the two overlap.
  struct Batch {
    std::size_t from = 0, to = 0;
    std::vector<ImportItem> items;
    std::size_t current = 0;  // the ticket being written, for errors
  };
  auto plan_batch = [&](std::size_t from) -> Result<Batch> {
    Batch b{from, std::min(src.count, from + static_cast<std::size_t>(options.batch_size)), {}, from};
    ORDO_ASSIGN(b.items, src.plan(b.from, b.to));
    return b;
  };
  auto write_batch = [&](Batch& b) -> Result<std::vector<std::string>> {
    const Instant batch_now = clock.now();
    return store.write([&](SqlConn& c) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      out.reserve(b.items.size());
      // The batch's histories go into the chain in one append at the end (per ticket, the
      // chain's lock, head read and head update were three more statements each — round
      // trips on PostgreSQL), and after them what the tickets' timers announce, so each
      // ticket's history still comes before its announcements.
      std::vector<NewEvent> events;
      struct Timers {
        std::size_t line;
        std::int64_t id;
        SlaEvaluation ev;
      };
      std::vector<Timers> timers;
      for (std::size_t i = b.from; i < b.to; ++i) {
        b.current = i;
        auto& [number, plan] = b.items[i - b.from];
        // The SLA figures come from the history in hand, before the insert, so the row goes
        // in with them (what SlaEngine::refresh would compute from the stored history, as
        // of now, without reading the row and its events back and updating it).
        std::vector<HistoryEntry> history;
        history.reserve(plan.events.size());
        for (auto& e : plan.events) history.push_back({e.at, std::move(e.action), std::move(e.data)});
        std::optional<SlaEvaluation> ev;
        if (src.refresh_sla) {
          ORDO_ASSIGN(ev, sla.evaluate(c, t, plan.record.values, history, batch_now));
          for (auto& [k, v] : SlaEngine::column_changes(plan.record.values, *ev))
            plan.record.values[k] = v.as_array()[1];
        }
        ORDO_ASSIGN(json::object rec, insert_record_with_past(c, t, plan.record, number, plan.created_at,
                                                              plan.updated_at, p.user_id));
        const std::int64_t id = rec.at("id").as_int64();
        for (auto& h : history) {
          if (h.action == "create") h.data["number"] = rec.at("number");
          events.push_back({h.at, p.user_id, p.username, t.name, id, std::move(h.action), std::move(h.data)});
        }
        if (ev) timers.push_back({i, id, std::move(*ev)});
        out.emplace_back(rec.at("number").as_string());
      }
      ORDO_TRY(append_events(c, events));
      for (auto& tm : timers) {
        b.current = tm.line;
        ORDO_TRY(sla.sync_timers(c, t, tm.id, tm.ev, /*inserted=*/true));
      }
      return out;
    });
  };
  ImportWritten w;
  Result<Batch> next = plan_batch(0);
  while (true) {
    if (!next) return next.take_error();  // cannot happen: every ticket was planned in the check
    Batch b = std::move(*next);
    auto writing = std::async(std::launch::async, [&] { return write_batch(b); });
    const bool more = b.to < src.count;
    if (more) next = plan_batch(b.to);
    auto numbers_written = writing.get();
    if (!numbers_written) {
      Error e = numbers_written.take_error();
      std::string before = w.imported == 0 ? std::string("nothing was imported before it")
                                           : std::to_string(w.imported) + " " + src.unit + "(s) in " +
                                                 std::to_string(w.batches) + " batch(es) were imported before it (" +
                                                 w.first_number + " … " + w.last_number + ")";
      std::string where = "batch " + std::to_string(w.batches + 1) + " (lines " +
                          std::to_string(src.lines(b.from).first) + "–" + std::to_string(src.lines(b.to - 1).second) +
                          ") was rolled back";
      const std::int64_t line = src.lines(b.current).first;
      if (e.kind == ErrorKind::kConflict && e.fields.empty())  // a kept number taken since the check
        e.fields.push_back({line_field(line, "number"), "is already used by an incident (taken during the import)"});
      else
        for (auto& f : e.fields) f.field = line_field(line, f.field);
      e.message = where + " at line " + std::to_string(line) + ": " + e.message + "; " + before;
      return e;
    }
    for (const auto& item : b.items) w.events += static_cast<std::int64_t>(item.plan.events.size());
    if (w.first_number.empty() && !numbers_written->empty()) w.first_number = numbers_written->front();
    if (!numbers_written->empty()) w.last_number = numbers_written->back();
    w.imported += static_cast<std::int64_t>(b.to - b.from);
    ++w.batches;
    if (options.progress)
      options.progress({w.imported, static_cast<std::int64_t>(src.count), w.batches, seconds_since(started)});
    if (!more) break;
  }
  return w;
}

Result<json::object> App::import_incidents(const Principal& p, std::string_view ndjson, const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ORDO_TRY(check_import_request(p, options));
  const Registry& reg = *impl_->registry;
  const RecordType& t = *reg.by_name("incident");
  const Instant now = impl_->clock->now();

  // --- Phase 1: check every line ---
  std::vector<Line> lines = split_lines(ndjson);
  if (lines.empty()) return invalid("nothing to import", {{"", "the input has no lines"}});
  const std::int64_t total = static_cast<std::int64_t>(lines.size());
  std::vector<FieldError> errors;
  auto add_errors = [&](std::int64_t no, const Error& e) {
    if (e.fields.empty()) errors.push_back({line_field(no, ""), e.message});
    for (const auto& f : e.fields) errors.push_back({line_field(no, f.field), f.message});
  };
  std::vector<bool> well_formed(lines.size(), false);
  std::map<std::string, std::int64_t, std::less<>> numbers;  // kept number → first line
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto line = parse_import_line(lines[i].text, now);
    if (!line) {
      add_errors(lines[i].no, line.error());
      continue;
    }
    well_formed[i] = true;
    if (!line->number.empty()) {
      auto [it, fresh] = numbers.emplace(line->number, lines[i].no);
      if (!fresh)
        errors.push_back({line_field(lines[i].no, "number"),
                          "'" + line->number + "' is already on line " + std::to_string(it->second)});
    }
  }
  struct Lookups {
    NameIndex services, organisations, teams;
    std::set<std::string> taken;
  };
  std::vector<std::string> wanted;
  wanted.reserve(numbers.size());
  for (const auto& [n, unused] : numbers) wanted.push_back(n);
  ORDO_ASSIGN(Lookups look, impl_->store->read([&](SqlConn& c) -> Result<Lookups> {
    Lookups l;
    ORDO_ASSIGN(l.services, load_names(c, *reg.by_name("service")));
    ORDO_ASSIGN(l.organisations, load_names(c, *reg.by_name("organisation")));
    ORDO_ASSIGN(l.teams, load_names(c, *reg.by_name("team")));
    ORDO_ASSIGN(l.taken, taken_numbers(c, t, wanted));
    return l;
  }));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!well_formed[i]) continue;
    Line& l = lines[i];
    ORDO_ASSIGN(const ImportLine line, parse_import_line(l.text, now));
    if (!line.number.empty() && look.taken.contains(line.number))
      errors.push_back({line_field(l.no, "number"), "'" + line.number + "' is already used by an incident"});
    l.refs.service = resolve(look.services, line.service, "service", "service", l.no, errors);
    l.refs.customer = resolve(look.organisations, line.customer, "customer", "organisation", l.no, errors);
    l.refs.assignment_group = resolve(look.teams, line.assignment_group, "assignment_group", "team", l.no, errors);
    auto plan = plan_import(t, line, l.refs);
    if (!plan) add_errors(l.no, plan.error());
  }
  if (!errors.empty()) {
    std::set<std::string> bad_lines;
    for (const auto& e : errors) bad_lines.insert(e.field.substr(0, e.field.find(':')));
    std::string summary = std::to_string(errors.size()) + " error(s) on " + std::to_string(bad_lines.size()) + " of " +
                          std::to_string(total) + " lines; nothing was imported";
    return invalid(std::move(summary), std::move(errors));
  }
  ImportProgress progress{0, total, 0, seconds_since(started)};
  if (options.progress) options.progress(progress);
  json::object report{{"lines", total}, {"imported", 0}, {"batches", 0}, {"first_number", nullptr},
                      {"last_number", nullptr}, {"dry_run", options.dry_run}};
  if (options.dry_run) {
    report["seconds"] = seconds_since(started);
    return report;
  }

  // --- Phase 2: write, one transaction per batch ---
  ImportSource src;
  src.count = lines.size();
  src.lines = [&](std::size_t i) { return std::pair{lines[i].no, lines[i].no}; };
  src.plan = [&](std::size_t from, std::size_t to) -> Result<std::vector<ImportItem>> {
    std::vector<ImportItem> items;
    items.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) {
      ORDO_ASSIGN(ImportLine line, parse_import_line(lines[i].text, now));
      ORDO_ASSIGN(ImportPlan plan, plan_import(t, line, lines[i].refs));
      items.push_back({std::move(line.number), std::move(plan)});
    }
    return items;
  };
  ORDO_ASSIGN(ImportWritten w, write_import(*impl_->store, *impl_->sla, *impl_->clock, p, t, src, options, started));
  report["imported"] = w.imported;
  report["batches"] = w.batches;
  report["first_number"] = w.first_number;
  report["last_number"] = w.last_number;
  report["seconds"] = seconds_since(started);
  return report;
}

}  // namespace ordo
