#include "http/access_log.h"

#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>

#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace ordo {
namespace {

// `{"a":1,"b":2}` -> `"a":1,"b":2`, so spdlog's pattern can put ts and level first.
std::string members(const boost::json::object& o) {
  std::string s = boost::json::serialize(o);
  return s.substr(1, s.size() - 2);
}

std::string quoted(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedFdSink(int fd, std::size_t flush_bytes) : fd_(fd), flush_bytes_(flush_bytes) { buf_.reserve(flush_bytes); }
  ~BufferedFdSink() override {
    std::lock_guard lock(mutex_);
    write_out();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    buf_.append(line.data(), line.size());
    if (buf_.size() >= flush_bytes_) write_out();
  }
  void flush_() override { write_out(); }

 private:
  void write_out() {
    std::size_t done = 0;
    while (done < buf_.size()) {
      ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to log to (a closed stderr): the lines are dropped, as spdlog would
      done += static_cast<std::size_t>(n);
    }
    buf_.clear();
  }
  int fd_;
  std::size_t flush_bytes_;
  std::string buf_;
};

std::shared_ptr<spdlog::logger> logger() {
  static std::once_flag once;
  static std::shared_ptr<spdlog::logger> fallback;
  if (auto registered = spdlog::get(std::string(kHttpLoggerName))) return registered;
  std::call_once(once, [] {
    fallback = std::make_shared<spdlog::logger>(std::string(kHttpLoggerName), make_buffered_fd_sink(STDERR_FILENO));
    fallback->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc));
    fallback->flush_on(spdlog::level::warn);
    try {
      spdlog::register_logger(fallback);  // for flush_every, which flushes registered loggers
    } catch (const spdlog::spdlog_ex&) {
      // registered by someone else meanwhile: theirs is used from the next line on
    }
    spdlog::flush_every(std::chrono::seconds(1));
  });
  return fallback;
}

}  // namespace

std::shared_ptr<spdlog::sinks::sink> make_buffered_fd_sink(int fd, std::size_t flush_bytes) {
  return std::make_shared<BufferedFdSink>(fd, flush_bytes);
}

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
