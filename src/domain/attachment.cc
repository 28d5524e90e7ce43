#include "domain/attachment.h"

#include <boost/json/value.hpp>

#include "domain/record_type.h"
#include "domain/validation.h"

namespace ordo {

Result<std::string> attachment_filename(std::string_view raw) {
  if (auto slash = raw.find_last_of("/\\"); slash != std::string_view::npos) raw.remove_prefix(slash + 1);
  while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
  if (raw.empty() || raw == "." || raw == "..") return field_error("filename", "is required: the name of the file");
  for (char c : raw) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return field_error("filename", "must not contain control characters");
  }
  static const FieldDef kName = text("filename").max_len(kMaxFilenameBytes);
  auto v = normalize_value(kName, boost::json::value(boost::json::string_view(raw.data(), raw.size())));
  if (!v) return field_error("filename", v.error().message);
  return std::string(raw);
}

}  // namespace ordo
