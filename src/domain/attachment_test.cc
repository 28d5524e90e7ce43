#include "domain/attachment.h"

#include <gtest/gtest.h>

namespace ordo {
namespace {

std::string name_of(std::string_view raw) {
  auto r = attachment_filename(raw);
  return r ? *r : "error: " + r.error().fields.at(0).message;
}

TEST(AttachmentFilename, KeepsTheLastPathComponentTrimmed) {
  EXPECT_EQ(name_of("report.pdf"), "report.pdf");
  EXPECT_EQ(name_of("C:\\Users\\me\\Q3 report.pdf"), "Q3 report.pdf");
  EXPECT_EQ(name_of("/etc/passwd"), "passwd");
  EXPECT_EQ(name_of("../../x.txt"), "x.txt");
  EXPECT_EQ(name_of("  spaced name.txt  "), "spaced name.txt");
  EXPECT_EQ(name_of("Überweisung €.txt"), "Überweisung €.txt");
}

TEST(AttachmentFilename, RefusesWhatCannotBeAName) {
  for (std::string_view bad : std::initializer_list<std::string_view>{"", "   ", ".", "..", "dir/", "a\\..", "a\nb.txt", "tab\there", std::string_view("nul\0x", 5),
                               "del\x7f"}) {
    auto r = attachment_filename(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
    EXPECT_EQ(r.error().fields.at(0).field, "filename");
  }
  EXPECT_FALSE(attachment_filename("\xff\xfe.txt"));                 // not UTF-8
  EXPECT_FALSE(attachment_filename(std::string(256, 'a')));          // too long
  EXPECT_TRUE(attachment_filename(std::string(255, 'a')));
}

}  // namespace
}  // namespace ordo
