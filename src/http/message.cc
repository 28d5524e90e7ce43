#include "http/message.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace ordo {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Result<Target> parse_target(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return invalid("malformed request target");
  const boost::urls::url_view& url = *parsed;
  Target out;
  out.path = std::string(url.encoded_path());
  if (out.path.empty() || out.path.front() != '/') return invalid("malformed request target");
  for (auto segment : url.segments()) out.segments.push_back(std::move(segment));
  // segments() of "/" is empty; of "/a/" is {"a", ""}: keep the trailing empty segment so
  // that "/api/v1/incidents/" does not silently alias "/api/v1/incidents".
  for (auto param : url.params(boost::urls::encoding_opts(true, false, false)))
    out.query.emplace_back(std::move(param.key), std::move(param.value));
  return out;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

void Response::set_header(std::string_view name, std::string value) {
  for (auto& [k, v] : headers) {
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

}  // namespace ordo
