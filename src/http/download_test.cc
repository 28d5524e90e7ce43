#include "http/download.h"

#include <gtest/gtest.h>

namespace ordo {
namespace {

TEST(Download, PassiveTypesAreServedAsThemselvesEverythingElseAsBytes) {
  EXPECT_EQ(served_content_type("image/png"), "image/png");
  EXPECT_EQ(served_content_type("application/pdf"), "application/pdf");
  EXPECT_EQ(served_content_type("text/plain"), "text/plain");
  for (std::string_view active : {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml",
                                  "text/javascript", "application/javascript", "text/css", "application/x-shockwave-flash",
                                  "message/rfc822", "multipart/related", "", "application/octet-stream"})
    EXPECT_EQ(served_content_type(active), "application/octet-stream") << active;
}

TEST(Download, DispositionIsAlwaysAnAttachmentWithAnEncodedName) {
  EXPECT_EQ(attachment_disposition("report.pdf"), "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
  EXPECT_EQ(attachment_disposition("Q3 report (final).pdf"),
            "attachment; filename=\"Q3 report (final).pdf\"; filename*=UTF-8''Q3%20report%20%28final%29.pdf");
  EXPECT_EQ(attachment_disposition("€.txt"), "attachment; filename=\"___.txt\"; filename*=UTF-8''%E2%82%AC.txt");
  // Quotes, backslashes and header-splitting bytes never reach the header raw.
  EXPECT_EQ(attachment_disposition("a\"b\\c\r\nSet-Cookie: x;.txt"),
            "attachment; filename=\"a_b_c__Set-Cookie: x;.txt\"; "
            "filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3B.txt");
}

TEST(Download, FileResponseCarriesTheProtectiveHeaders) {
  Response r = file_response("<html><script>alert(1)</script>", "text/html", "page.html");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/octet-stream");
  EXPECT_EQ(r.body, "<html><script>alert(1)</script>");
  EXPECT_EQ(r.header("Content-Disposition").value_or(""), "attachment; filename=\"page.html\"; filename*=UTF-8''page.html");
  EXPECT_EQ(r.header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(r.header("Content-Security-Policy").value_or("").substr(0, 7), "sandbox");
}

}  // namespace
}  // namespace ordo
