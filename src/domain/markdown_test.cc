#include "domain/markdown.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ordo {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// No active markup in the output, in any letter case: no script-capable element, no event
// handler attribute, no dangerous scheme in an attribute (as escaped text they are harmless).
void expect_inert(const std::string& markdown) {
  const std::string html = lower(render_markdown(markdown));
  for (const char* bad : {"<script", "<iframe", "<object", "<embed", "<svg", "<style", "onerror", "onload",
                          "onclick", "=\"javascript:", "=\"vbscript:", "=\"data:text"})
    EXPECT_EQ(html.find(bad), std::string::npos) << "'" << bad << "' survived in " << html << "\nfrom: " << markdown;
}

TEST(Markdown, RendersCommonMark) {
  EXPECT_EQ(render_markdown("# Restart the VPN\n\nRun **this** and `that`.\n"),
            "<h1>Restart the VPN</h1>\n<p>Run <strong>this</strong> and <code>that</code>.</p>\n");
  EXPECT_EQ(render_markdown("- one\n- two\n"), "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
  EXPECT_EQ(render_markdown(""), "");
}

TEST(Markdown, RendersGfmTables) {
  std::string html = render_markdown("| Setting | Value |\n|---|:-:|\n| Port | 443 |\n");
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th>Setting</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th align=\"center\">Value</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>Port</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td align=\"center\">443</td>"), std::string::npos) << html;
}

TEST(Markdown, RendersStrikethroughAutolinksAndTaskLists) {
  EXPECT_NE(render_markdown("~~old way~~\n").find("<del>old way</del>"), std::string::npos);
  EXPECT_NE(render_markdown("See https://status.example.com now\n")
                .find("<a href=\"https://status.example.com\">https://status.example.com</a>"),
            std::string::npos);
  std::string tasks = render_markdown("- [x] backed up\n- [ ] restored\n");
  EXPECT_NE(tasks.find("type=\"checkbox\""), std::string::npos) << tasks;
  EXPECT_NE(tasks.find("checked=\"\""), std::string::npos) << tasks;
}

TEST(Markdown, DropsRawHtmlBlocksAndTags) {
  expect_inert("<script>alert(1)</script>\n");
  expect_inert("Hello <script>alert(1)</script> world\n");
  expect_inert("<iframe src=\"https://evil.example\"></iframe>\n");
  expect_inert("text <iframe src=x></iframe> more\n");
  expect_inert("<img src=x onerror=\"alert(1)\">\n");
  expect_inert("Inline <img src=x onerror=alert(1)> image\n");
  expect_inert("<div onclick=\"steal()\">click</div>\n");
  expect_inert("<svg onload=alert(1)>\n");
  expect_inert("<style>body{display:none}</style>\n");
  expect_inert("<SCRIPT SRC=//evil.example/x.js></SCRIPT>\n");
  expect_inert("| a |\n|---|\n| <script>alert(1)</script> |\n");
  // What the reader wrote stays readable as text where it is not markup.
  EXPECT_NE(render_markdown("Use `<script>` tags\n").find("<code>&lt;script&gt;</code>"), std::string::npos);
}

TEST(Markdown, NeutralisesDangerousLinks) {
  expect_inert("[click](javascript:alert(1))\n");
  expect_inert("[click](JaVaScRiPt:alert(1))\n");
  expect_inert("[click](vbscript:msgbox(1))\n");
  expect_inert("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n");
  expect_inert("![x](javascript:alert(1))\n");
  expect_inert("<javascript:alert(1)>\n");
  expect_inert("[ref]\n\n[ref]: javascript:alert(1)\n");
  std::string html = render_markdown("[click](javascript:alert(1))\n");
  EXPECT_NE(html.find("<a href=\"\">click</a>"), std::string::npos) << html;
  // Ordinary links are kept.
  EXPECT_NE(render_markdown("[docs](https://docs.example.com/a?b=1&c=2)\n")
                .find("<a href=\"https://docs.example.com/a?b=1&amp;c=2\">docs</a>"),
            std::string::npos);
}

TEST(Markdown, EscapesAttributeBreakouts) {
  std::string html = render_markdown("[x](https://example.com/\"onmouseover=\"alert(1))\n");
  EXPECT_EQ(html.find("\"onmouseover"), std::string::npos) << html;
  html = render_markdown("![a\" onerror=\"alert(1)](https://example.com/i.png)\n");
  EXPECT_EQ(html.find("\" onerror"), std::string::npos) << html;
}

TEST(Markdown, IsThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<std::string> out(8);
  for (std::size_t i = 0; i < out.size(); ++i)
    threads.emplace_back([&out, i] {
      for (int n = 0; n < 50; ++n) out[i] = render_markdown("| a |\n|---|\n| ~~b~~ |\n");
    });
  for (auto& t : threads) t.join();
  for (const auto& s : out) EXPECT_EQ(s, out[0]);
  EXPECT_NE(out[0].find("<del>b</del>"), std::string::npos);
}

}  // namespace
}  // namespace ordo
