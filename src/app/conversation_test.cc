// The pure helpers of the ticket conversation: content sniffing (libmagic) and excerpts.
#include "app/conversation.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ordo {
namespace {

TEST(SniffContentType, JudgesTheBytesNotTheName) {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
  EXPECT_EQ(sniff_content_type(png), "image/png");
  EXPECT_EQ(sniff_content_type("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "application/pdf");
  EXPECT_EQ(sniff_content_type("Hello,\nthe printer on floor 2 is jammed again.\n"), "text/plain");
  EXPECT_EQ(sniff_content_type("<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"), "text/html");
  EXPECT_EQ(sniff_content_type("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\n"),
            "image/svg+xml");
  EXPECT_EQ(sniff_content_type(std::string("\x00\x01\x02\x03\xfe\xff\x00\x10", 8)), "application/octet-stream");
}

TEST(SniffContentType, IsSafeFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 50; ++k)
        if (sniff_content_type("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") != "application/pdf") ++wrong;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Excerpt, OneLineCutOnACharacterBoundary) {
  EXPECT_EQ(excerpt("short", 10), "short");
  EXPECT_EQ(excerpt("two\nlines\r\nhere", 100), "two lines  here");
  EXPECT_EQ(excerpt("abcdef", 3), "abc…");
  EXPECT_EQ(excerpt("aé", 2), "a…");  // é is two bytes: not split
  EXPECT_EQ(excerpt("€€", 4), "€…");
}

}  // namespace
}  // namespace ordo
