#include "domain/markdown.h"

#include <cstdlib>
#include <memory>
#include <mutex>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

namespace ordo {

namespace {

// The GFM extensions every article gets. "tagfilter" only matters with raw HTML enabled;
// it stays attached so turning that on by mistake would still not let <script> through.
constexpr const char* kExtensions[] = {"table", "strikethrough", "autolink", "tasklist", "tagfilter"};

// Not CMARK_OPT_UNSAFE: raw HTML and dangerous URLs are dropped (see markdown.h).
constexpr int kOptions = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;

struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct CharFree {
  void operator()(char* s) const { std::free(s); }
};

}  // namespace

std::string render_markdown(std::string_view markdown) {
  // cmark-gfm 0.29 keeps process-wide state: the extension registry, and the table of
  // special inline characters that every parse switches the attached extensions' characters
  // (~ for strikethrough, …) on and off in. Concurrent parses would see each other's
  // changes, so one render runs at a time; an article renders in well under a millisecond.
  static std::mutex mu;
  std::lock_guard lock(mu);
  cmark_gfm_core_extensions_ensure_registered();
  std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(kOptions));
  for (const char* name : kExtensions)
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), ext);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeFree> doc(cmark_parser_finish(parser.get()));
  std::unique_ptr<char, CharFree> html(
      cmark_render_html(doc.get(), kOptions, cmark_parser_get_syntax_extensions(parser.get())));
  return html ? std::string(html.get()) : std::string();
}

}  // namespace ordo
