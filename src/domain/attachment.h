// What a file attached to a ticket may be called (src/app/attachments.cc). Pure.
//
// Clients send a file name with the upload; browsers and mail clients send anything from
// "report.pdf" to "C:\Users\me\Desktop\report.pdf". The stored name is the last path
// component, trimmed, valid UTF-8 without control characters, at most 255 bytes, and never
// "." or "..". It is only ever shown and offered back as a download name (RFC 6266), never
// used as a path.
//
//   auto name = attachment_filename("C:\\tmp\\Q3 report.pdf");   // "Q3 report.pdf"
#pragma once

#include <string>
#include <string_view>

#include "domain/result.h"

namespace ordo {

inline constexpr std::size_t kMaxFilenameBytes = 255;

// The name to store, or kInvalid naming the field "filename".
Result<std::string> attachment_filename(std::string_view raw);

}  // namespace ordo
