// Markdown to HTML for knowledge articles (ISO/IEC 20000-1 7.6): GitHub Flavored Markdown
// rendered with cmark-gfm, safe to put into a page as is.
//
// Safety comes from what the renderer refuses to emit, not from cleaning its output: raw
// HTML in the source (blocks and inline tags: <script>, <iframe>, <img onerror=…>) is never
// passed through (cmark-gfm without CMARK_OPT_UNSAFE replaces it with a comment), link and
// image destinations with a dangerous scheme (javascript:, vbscript:, file:, data: other
// than raster images) become empty, and every text and attribute is HTML-escaped. Tables,
// strikethrough, autolinks, task lists and the tag filter are on.
//
// Pure and thread-safe (renders are serialised: cmark-gfm 0.29 has process-wide parser state);
// the cmark-gfm headers stay in markdown.cc.
//
//   std::string html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n");  // <table>…
#pragma once

#include <string>
#include <string_view>

namespace ordo {

std::string render_markdown(std::string_view markdown);

}  // namespace ordo
