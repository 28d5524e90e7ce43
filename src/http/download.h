// Serving user-supplied files (ticket attachments) so that a browser never runs them.
//
// A file uploaded by one user and downloaded by another is the classic stored-XSS vector:
// an "image" that is really HTML or SVG with script, opened inline on the application's own
// origin. Downloads therefore always carry
//   Content-Type             the sniffed type when it is a passive format (images, PDF,
//                            plain text, archives, office documents), else
//                            application/octet-stream (HTML, SVG, XML, scripts, anything
//                            unknown)
//   Content-Disposition      attachment; filename="ascii"; filename*=UTF-8''percent-encoded
//                            (RFC 6266, RFC 5987): saved, never displayed inline
//   X-Content-Type-Options   nosniff (the browser may not guess a more dangerous type)
//   Content-Security-Policy  sandbox (should it be rendered anyway: a unique origin, no script)
// Pure functions; thread-safe.
//
//   Response r = file_response(bytes, "image/png", "screen shot.png");
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace ordo {

// The Content-Type a file of sniffed type `sniffed` is served with.
std::string served_content_type(std::string_view sniffed);

// `attachment; filename="…"; filename*=UTF-8''…` for a UTF-8 file name: the quoted form is
// an ASCII fallback (other bytes, quotes, backslashes and controls become '_'), the
// extended form percent-encodes everything but RFC 5987 attr-chars.
std::string attachment_disposition(std::string_view filename);

// A 200 response carrying `bytes` with the headers above.
Response file_response(std::string bytes, std::string_view sniffed_type, std::string_view filename);

}  // namespace ordo
