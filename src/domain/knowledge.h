// Knowledge management (ISO/IEC 20000-1 7.6): the pure parts of knowledge articles beyond
// their declaration (knowledge_article_type() in registry.h, declared in knowledge.cc).
//
// An article is versioned by its history: every change is a hash-chained event, and each
// entry into `published` is one revision (the engine counts them in `revision`). While
// published, what readers see (kPublishedContent) is frozen; a new revision goes back to
// draft, is edited and published again. published_revisions() rebuilds every published
// revision from the events alone, so the list cannot disagree with the audit trail.
//
//   std::vector<ArticleEvent> events = …;                  // the article's events, in order
//   boost::json::array revs = published_revisions(events);  // [{revision: 1, title, body, …}, …]
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "domain/clock.h"

namespace ordo {

// The fields readers see: frozen while the article is published, kept per revision.
inline constexpr const char* kPublishedContent[] = {"title", "summary", "keywords", "body", "body_html", "audience"};

// One stored event of an article (store/event_log.h Event, with its data parsed).
struct ArticleEvent {
  Instant at = 0;
  std::int64_t actor_id = 0;
  std::string actor;
  std::string action;        // create, update, transition, used_to_resolve, ...
  boost::json::object data;  // create: {values, status}; update/transition: {changes, from?, to?}
};

// Replays the events (create values, then every event's changes) and returns one object per
// entry into `published`, oldest first: {revision, published_at, published_by,
// published_by_id, <kPublishedContent as they were then>}. Events that carry no changes
// (used_to_resolve) leave the content alone.
boost::json::array published_revisions(std::span<const ArticleEvent> events);

}  // namespace ordo
