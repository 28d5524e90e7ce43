#include "domain/clock.h"

#include <chrono>
#include <sstream>

#include <date/date.h>

namespace ordo {

Instant SystemClock::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_rfc3339(Instant t) {
  date::sys_seconds tp{std::chrono::seconds{t}};
  return date::format("%Y-%m-%dT%H:%M:%SZ", tp);
}

std::optional<Instant> parse_rfc3339(std::string_view s) {
  // date::parse wants a stream; try the UTC form and the offset form.
  if (s.size() < 20 || s.size() > 40 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't'))
    return std::nullopt;
  std::string text(s);
  if (text.back() == 'Z' || text.back() == 'z') {
    text.back() = '+';
    text += "00:00";
  }
  std::istringstream in(text);
  date::sys_time<std::chrono::milliseconds> tp;
  in >> date::parse("%FT%T%Ez", tp);
  if (in.fail()) return std::nullopt;
  in.peek();
  if (!in.eof()) return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(tp).time_since_epoch().count();
}

}  // namespace ordo
