#include "http/access_log.h"

#include <memory>
#include <mutex>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace ordo {
namespace {

// `{"a":1,"b":2}` -> `"a":1,"b":2`, so spdlog's pattern can put ts and level first.
std::string members(const boost::json::object& o) {
  std::string s = boost::json::serialize(o);
  return s.substr(1, s.size() - 2);
}

std::string quoted(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

std::shared_ptr<spdlog::logger> logger() {
  static std::once_flag once;
  static std::shared_ptr<spdlog::logger> fallback;
  if (auto registered = spdlog::get(std::string(kHttpLoggerName))) return registered;
  std::call_once(once, [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    fallback = std::make_shared<spdlog::logger>(std::string(kHttpLoggerName), std::move(sink));
    fallback->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc));
    fallback->flush_on(spdlog::level::warn);
  });
  return fallback;
}

}  // namespace

std::string format_request_fields(const RequestLogEntry& e) {
  // Numbers by hand: Boost.JSON would print the duration in exponent notation.
  return fmt::format(R"("msg":"request","request_id":{},"method":{},"route":{},"status":{},"duration_ms":{:.3f},"bytes":{})",
                     quoted(e.request_id), quoted(e.method), quoted(e.route), e.status, e.duration_ms, e.bytes);
}

std::string format_event_fields(std::string_view msg,
                                std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  boost::json::object o;
  o["msg"] = msg;
  for (const auto& [k, v] : fields) o[k] = v;
  return members(o);
}

void log_request(const RequestLogEntry& e) { logger()->info("{}", format_request_fields(e)); }

void log_event(LogLevel level, std::string_view msg,
               std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  auto lvl = level == LogLevel::kError ? spdlog::level::err
             : level == LogLevel::kWarn ? spdlog::level::warn
                                        : spdlog::level::info;
  logger()->log(lvl, "{}", format_event_fields(msg, fields));
}

}  // namespace ordo
