// The ticket conversation's shared pieces (src/app/conversation.cc, attachments.cc): who may
// read and add to a ticket's comments, files and watchers, the comment search, and content
// type sniffing. The App methods are declared in app/app.h; docs/tickets.md describes them.
//
// Access, for every ticket type (RecordType::is_ticket()):
//   read   the type's read policy and the ticket's visibility (requesters: their
//          organisation's tickets) — else 404 — and, for public-only callers, only what is
//          public: no internal notes, no files on them, no staff among the watchers.
//   write  after the same visibility check: staff whose role may update the ticket (any
//          comment, any file, any staff watcher); requesters who see it (public replies,
//          files on their own replies or the ticket, watching themselves); others 403.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app_impl.h"

namespace ordo {

struct TicketAccess {
  Scope scope;                   // what the caller may see (load_visible)
  std::optional<Error> refused;  // set: they may see the ticket but not add to it (403)
};
// kNotFound for a type that is no ticket or that the caller may not read.
Result<TicketAccess> ticket_access(const Principal& p, const RecordType& t, bool write);
// True when the ticket is in a final state (closed, cancelled): it takes no more comments
// or files.
bool ticket_is_final(const RecordType& t, const boost::json::object& record);

// One comment whose body matches a search.
struct CommentMatch {
  std::string record_type;  // the ticket's type name
  std::int64_t record_id = 0;
  std::int64_t comment_id = 0;
  bool internal = false;
};
// Full-text search over comment bodies (SQLite FTS5, PostgreSQL tsvector), newest first, at
// most `limit`; `public_only` leaves internal notes out. Which tickets the caller may see is
// the caller's to check (e.g. App::get, or list filters on the ids), as is the type's policy.
Result<std::vector<CommentMatch>> search_comments(SqlConn& c, std::string_view text, std::int64_t limit,
                                                  bool public_only);

// The MIME type of `bytes` as libmagic sees it ("image/png", "text/html", …;
// "application/octet-stream" when it cannot tell). Decompression and other expensive or
// risky checks are off. Thread-safe.
std::string sniff_content_type(std::string_view bytes);

// At most `max_bytes` of `text` on one line (newlines become spaces), cut on a UTF-8 boundary,
// with "…" when cut: for notification messages.
std::string excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace ordo
