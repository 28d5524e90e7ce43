// CSV (RFC 4180) read one record at a time: pure, no I/O, no copies of the input.
//
// Fields are separated by commas and records by LF or CRLF. A field may be quoted ("…"):
// inside quotes, commas and line breaks are data and "" is one quote. A quote inside an
// unquoted field is kept as data (many exporters write them). Blank lines are skipped.
// Errors (kInvalid, one field "line N") are a quoted field that never closes and text after
// a closing quote; the reader stops there.
//
// No library fits this better: Boost has no CSV reader, and Debian's libcsv (C, callbacks)
// cannot say on which line a record starts, which every import error needs.
//
//   CsvReader r(text);
//   std::vector<std::string> fields;
//   while (true) {
//     auto more = r.next(fields);
//     if (!more) return more.error();   // "line 7: a quoted field is not closed"
//     if (!*more) break;
//     use(r.record_line(), fields);
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace ordo {

class CsvReader {
 public:
  // `text`: the input (or a slice of it that starts at a record); `first_line`: the line
  // number of its first byte, so a slice reports the lines of the whole file.
  explicit CsvReader(std::string_view text, std::int64_t first_line = 1) : text_(text), line_(first_line) {}

  // Reads the next record into `fields` (replacing their contents). false at the end.
  Result<bool> next(std::vector<std::string>& fields);

  std::int64_t record_line() const { return record_line_; }      // where the record last read starts
  std::size_t record_offset() const { return record_offset_; }   // its byte offset in `text`
  std::size_t offset() const { return pos_; }                // byte offset of what comes next
  std::int64_t line() const { return line_; }                // the line of offset()

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
  std::int64_t record_line_ = 0;
  std::size_t record_offset_ = 0;
};

}  // namespace ordo
