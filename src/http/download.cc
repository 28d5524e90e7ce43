#include "http/download.h"

#include <algorithm>
#include <array>

namespace ordo {

namespace {

// Formats a browser shows passively: no script, no markup, no active content.
constexpr std::array<std::string_view, 27> kPassive = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff", "image/heic",
    "application/pdf", "text/plain", "text/csv",
    "application/zip", "application/gzip", "application/x-7z-compressed", "application/x-tar",
    "audio/mpeg", "audio/ogg", "audio/x-wav", "video/mp4", "video/webm",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
};

bool attr_char(unsigned char c) {  // RFC 5987 attr-char
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string served_content_type(std::string_view sniffed) {
  if (std::find(kPassive.begin(), kPassive.end(), sniffed) != kPassive.end()) return std::string(sniffed);
  return "application/octet-stream";
}

std::string attachment_disposition(std::string_view filename) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string ascii, encoded;
  for (char ch : filename) {
    auto c = static_cast<unsigned char>(ch);
    ascii += c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? ch : '_';
    if (attr_char(c)) {
      encoded += ch;
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xf];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

Response file_response(std::string bytes, std::string_view sniffed_type, std::string_view filename) {
  Response r;
  r.status = 200;
  r.content_type = served_content_type(sniffed_type);
  r.body = std::move(bytes);
  r.set_header("Content-Disposition", attachment_disposition(filename));
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Content-Security-Policy", "sandbox; default-src 'none'");
  r.set_header("Cache-Control", "private, no-store");
  return r;
}

}  // namespace ordo
