#include "http/server.h"

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "http/access_log.h"
#include "http/headers.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/problem.h"
#include "http/router.h"
#include "store/store.h"

namespace ordo {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::chrono::seconds kWriteTimeout{30};
constexpr std::chrono::seconds kDrainTimeout{1};
constexpr std::size_t kDrainLimit = 1 << 20;
constexpr std::chrono::seconds kShutdownGrace{10};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// RFC 9110 IMF-fixdate, independent of the C locale.
std::string http_date() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

class Connection;

// ---------------------------------------------------------------------------------------
// ServerCore: everything behind Server (Server::Impl is a ServerCore). Member order matters
// for destruction: connections reference everything above the I/O objects and are
// destroyed (with pending handlers) when the pool and the io_context go, declared last.
class ServerCore {
 public:
  ServerCore(App& app, ServerOptions o)
      : options(std::move(o)),
        router(app, RouterOptions{options.secure_cookies, options.static_dir, &metrics,
                                  static_cast<std::size_t>(std::max<std::int64_t>(0, app.attachment_max_bytes()))}),
        ioc(static_cast<int>(std::max<std::size_t>(1, options.io_threads))) {}

  Result<std::uint16_t> start();
  void stop();
  void run_until_signal();

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void add_session(const std::shared_ptr<Connection>& s);
  void remove_session(Connection* s);
  // Posts `fn(session)` to every live session's strand.
  template <class Fn>
  void for_each_session(Fn fn);
  bool wait_for_sessions(std::chrono::steady_clock::duration timeout);

  // Constant after construction.
  const ServerOptions options;
  Metrics metrics;  // internally synchronised
  const Router router;

  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> stopping{false};

  std::mutex lifecycle_mu;  // serialises start() and stop()
  bool started = false;     // protected by lifecycle_mu
  bool stopped = false;     // protected by lifecycle_mu

  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> sessions;  // protected by mu
  bool stop_requested = false;                                    // protected by mu

  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;        // used on its strand only
  std::optional<asio::steady_timer> accept_retry;  // same strand
  std::vector<std::thread> io_threads;
  std::optional<asio::thread_pool> workers;
};

// One connection: reads a request, runs it on the worker pool, writes the response, and
// repeats while keep-alive holds. All members are used on the connection's strand only.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket&& socket, ServerCore& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) source_ = ep.address().to_string();
  }
  ~Connection() { server_.remove_session(this); }

  void start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Connection::wait_for_request, shared_from_this()));
  }
  // Graceful stop: an idle connection is closed now, a busy one after its response.
  void on_server_stop() {
    if (!busy_) close();
  }
  void force_close() { close(); }
  // The connection's strand (immutable after construction, so any thread may ask for it).
  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  struct InFlight {
    std::string request_id;
    std::string method;
    unsigned version = 11;
    bool keep_alive = false;
    std::chrono::steady_clock::time_point started;
  };

  void wait_for_request() {
    busy_ = false;
    if (server_.stopping.load()) return close();
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    stream_.expires_after(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            beast::bind_front_handler(&Connection::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    if (ec) return close();  // end of stream, idle timeout, or closed by stop()
    buffer_.commit(n);
    read_header();
  }

  void read_header() {
    busy_ = true;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    // The route (and so its body limit) is known once the header is in: until then the
    // largest any route allows; on_header narrows it.
    parser_->body_limit(server_.router.max_body_limit(server_.options.body_limit));
    stream_.expires_after(server_.options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Connection::on_header, shared_from_this()));
  }

  // The body limit of the request whose header `msg` is: its route's (uploads) or the server's.
  std::size_t body_limit_of(const http::request<http::string_body>& msg) const {
    return server_.router.body_limit(msg.method_string(), msg.target(), server_.options.body_limit);
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto& msg = parser_->get();
    const std::size_t limit = body_limit_of(msg);
    if (auto length = parser_->content_length(); length && *length > limit) return on_read_error(http::error::body_limit);
    parser_->body_limit(limit);  // chunked bodies count against it as they arrive
    auto expect = msg[http::field::expect];
    if (msg.version() >= 11 && iequals(expect, "100-continue") && !parser_->is_done()) {
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code wec, std::size_t) {
                          if (wec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Connection::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || !is_parse_error(ec)) return close();  // timeout, reset, abort
    Response r;
    if (ec == http::error::body_limit) {
      std::size_t limit = parser_ ? body_limit_of(parser_->get()) : server_.options.body_limit;
      r = problem_response(Error{ErrorKind::kTooLarge, fmt::format("the request body exceeds {} bytes", limit), {}, {}});
    } else if (ec == http::error::header_limit) {
      r = problem_response(431, "headers-too-large", "Request header fields too large",
                           "the request headers are too large");
    } else {
      r = problem_response(400, "malformed-request", "Bad request", "malformed HTTP request");
    }
    InFlight f;
    f.started = std::chrono::steady_clock::now();
    f.request_id = generate_request_id();
    if (parser_) {  // whatever of the header was parsed before the error
      const auto& partial = parser_->get();
      f.method = std::string(partial.method_string());
      if (partial.version() == 10 || partial.version() == 11) f.version = partial.version();
      auto id = partial["X-Request-Id"];
      if (is_sane_request_id(id)) f.request_id = std::string(id);
    }
    server_.metrics.request_started();
    // The rest of the request was not read: close, draining what the client still sends so
    // that it sees the response rather than a reset.
    respond(std::move(f), Router::Outcome{std::move(r), "unmatched"}, /*linger=*/true);
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    http::request<http::string_body> msg = parser_->release();
    parser_.reset();

    InFlight f;
    f.started = std::chrono::steady_clock::now();
    f.method = std::string(msg.method_string());
    f.version = msg.version();
    f.keep_alive = msg.keep_alive();
    auto client_id = msg["X-Request-Id"];
    f.request_id = is_sane_request_id(client_id) ? std::string(client_id) : generate_request_id();
    server_.metrics.request_started();

    auto target = parse_target(msg.target());
    if (!target) {
      return respond(std::move(f), Router::Outcome{problem_response(target.error()), "unmatched"}, false);
    }
    Request req;
    req.method = f.method;
    req.target = std::move(*target);
    req.request_id = f.request_id;
    req.source = source_;
    for (const auto& field : msg) {
      std::string name = to_lower(field.name_string());
      std::string_view value = field.value();
      if (name == "cookie") {  // several Cookie fields are one list (RFC 6265 §5.4)
        bool merged = false;
        for (auto& [k, v] : req.headers) {
          if (k == "cookie") {
            v += "; ";
            v += value;
            merged = true;
            break;
          }
        }
        if (merged) continue;
      }
      req.headers.emplace_back(std::move(name), std::string(value));
    }
    req.body = std::move(msg.body());

    // Handlers may block on the database: run them on the worker pool, never on I/O threads,
    // unless the route is quick and the store answers without waiting (ServerOptions).
    RouteMatch match = server_.router.match(req);
    if (server_.options.quick_reads_inline && match.route && match.route->quick) {
      Router::Outcome out;
      bool blocked = false;
      {
        NoWait no_wait;
        out = server_.router.dispatch(req, match);
        blocked = no_wait.blocked();
      }
      if (!blocked) return respond(std::move(f), std::move(out), false);
      server_.metrics.quick_read_handed_off();
    }
    asio::post(*server_.workers, [self = shared_from_this(), req = std::move(req), match = std::move(match),
                                  f = std::move(f)]() mutable {
      Router::Outcome out;
      try {
        out = self->server_.router.dispatch(req, match);
      } catch (...) {  // dispatch() catches handler exceptions; this is the last line
        out = Router::Outcome{problem_response(internal_error("exception")), "unmatched"};
      }
      asio::post(self->stream_.get_executor(), [self, f = std::move(f), out = std::move(out)]() mutable {
        self->respond(std::move(f), std::move(out), false);
      });
    });
  }

  void respond(InFlight f, Router::Outcome out, bool linger) {
    Response& r = out.response;
    bool head = f.method == "HEAD";
    bool keep_alive = f.keep_alive && !linger && !server_.stopping.load();
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), f.version);
    res->set(http::field::date, http_date());
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->insert(k, v);
    res->set("X-Request-Id", f.request_id);
    res->keep_alive(keep_alive);
    std::size_t bytes = r.body.size();
    if (head) {
      res->content_length(bytes);
      bytes = 0;
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }

    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - f.started).count();
    std::string_view method = f.method.empty() ? std::string_view("-") : std::string_view(f.method);
    server_.metrics.request_finished(method, out.route, r.status, seconds);
    log_request({f.request_id, method, out.route, r.status, seconds * 1000.0, bytes});

    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive, linger](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (!keep_alive) return self->shutdown(linger);
      self->wait_for_request();
    });
  }

  void shutdown(bool linger) {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!linger || ec) return close();
    drained_ = 0;
    stream_.expires_after(kDrainTimeout);
    drain();
  }

  void drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(16 * 1024), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kDrainLimit) return self->close();
      self->drain();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerCore& server_;
  std::string source_;
  bool busy_ = false;  // between the first byte of a request and its response being written
  std::size_t drained_ = 0;
};

}  // namespace

struct Server::Impl : ServerCore {
  using ServerCore::ServerCore;
};

void ServerCore::add_session(const std::shared_ptr<Connection>& s) {
  std::lock_guard lock(mu);
  sessions.emplace(s.get(), s);
}

void ServerCore::remove_session(Connection* s) {
  std::lock_guard lock(mu);
  sessions.erase(s);
  if (sessions.empty()) cv.notify_all();
}

template <class Fn>
void ServerCore::for_each_session(Fn fn) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu);
    for (auto& [ptr, weak] : sessions)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  // The shared_ptr may be the last one: it is released by the posted handler, on the strand.
  for (auto& s : live) fn(std::move(s));
}

bool ServerCore::wait_for_sessions(std::chrono::steady_clock::duration timeout) {
  std::unique_lock lock(mu);
  return cv.wait_for(lock, timeout, [this] { return sessions.empty(); });
}

Result<std::uint16_t> ServerCore::start() {
  std::lock_guard lifecycle(lifecycle_mu);
  if (started) return conflict("the server was already started");

  beast::error_code ec;
  tcp::endpoint endpoint;
  auto address = asio::ip::make_address(options.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options.port);
  } else {
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) return invalid(fmt::format("cannot resolve listen host '{}'", options.host));
    endpoint = results.begin()->endpoint();
  }

  acceptor.emplace(asio::make_strand(ioc));
  auto fail = [&](std::string_view what) -> Error {
    std::string msg = fmt::format("cannot {} {}:{}: {}", what, options.host, options.port, ec.message());
    acceptor.reset();
    return Error{ErrorKind::kUnavailable, std::move(msg), {}, {}};
  };
  acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("configure a socket for");
  acceptor->bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  port = acceptor->local_endpoint().port();
  accept_retry.emplace(acceptor->get_executor());

  started = true;
  workers.emplace(std::max<std::size_t>(1, options.worker_threads));
  work.emplace(ioc.get_executor());
  asio::dispatch(acceptor->get_executor(), [this] { do_accept(); });
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options.io_threads); ++i) {
    io_threads.emplace_back([this] {
      while (true) {  // a throwing completion handler must not take the server down
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          log_event(LogLevel::kError, "exception on an I/O thread", {{"error", e.what()}});
        } catch (...) {
          log_event(LogLevel::kError, "exception on an I/O thread", {{"error", "unknown"}});
        }
      }
    });
  }
  log_event(LogLevel::kInfo, "listening",
            {{"address", endpoint.address().to_string()}, {"port", std::to_string(port.load())}});
  return port.load();
}

void ServerCore::do_accept() {
  if (stopping.load()) return;
  acceptor->async_accept(asio::make_strand(ioc), beast::bind_front_handler(&ServerCore::on_accept, this));
}

void ServerCore::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || stopping.load()) return;
  if (ec) {
    // E.g. out of file descriptors: back off instead of spinning.
    log_event(LogLevel::kWarn, "accept failed", {{"error", ec.message()}});
    accept_retry->expires_after(std::chrono::milliseconds(100));
    accept_retry->async_wait([this](beast::error_code wec) {
      if (!wec) do_accept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<Connection>(std::move(socket), *this);
  add_session(session);
  session->start();
  do_accept();
}

void ServerCore::stop() {
  {
    std::lock_guard lock(mu);
    stop_requested = true;
  }
  cv.notify_all();

  std::lock_guard lifecycle(lifecycle_mu);
  if (!started || stopped) return;
  stopped = true;
  stopping = true;
  log_event(LogLevel::kInfo, "stopping", {});

  // 1. Stop accepting.
  asio::post(acceptor->get_executor(), [this] {
    beast::error_code ec;
    acceptor->close(ec);
    accept_retry->cancel();
  });
  // 2. Close idle connections; busy ones close after their response.
  for_each_session([](std::shared_ptr<Connection> s) {
    auto ex = s->executor();
    asio::post(ex, [s = std::move(s)] { s->on_server_stop(); });
  });
  // 3. Let in-flight requests finish, within bounds; then close what is left.
  if (!wait_for_sessions(kShutdownGrace)) {
    log_event(LogLevel::kWarn, "closing connections still busy after the grace period", {});
    for_each_session([](std::shared_ptr<Connection> s) {
      auto ex = s->executor();
      asio::post(ex, [s = std::move(s)] { s->force_close(); });
    });
    (void)wait_for_sessions(std::chrono::seconds(2));
  }
  // 4. Handlers still running finish here (their responses go to closed sockets).
  workers->join();
  // 5. Stop the event loop and join the I/O threads.
  work.reset();
  ioc.stop();
  for (auto& t : io_threads) t.join();
  io_threads.clear();
  log_event(LogLevel::kInfo, "stopped", {});
}

void ServerCore::run_until_signal() {
  {
    std::lock_guard lifecycle(lifecycle_mu);
    if (!started || stopped) return;
  }
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int signo) {
    if (ec) return;
    log_event(LogLevel::kInfo, "signal received", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"}});
    {
      std::lock_guard lock(mu);
      stop_requested = true;
    }
    cv.notify_all();
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return stop_requested; });
  }
  beast::error_code ec;
  signals.cancel(ec);
  stop();
}

Server::Server(App& app, ServerOptions options) : impl_(std::make_unique<Impl>(app, std::move(options))) {}
Server::~Server() { stop(); }
Result<std::uint16_t> Server::start() { return impl_->start(); }
void Server::stop() { impl_->stop(); }
void Server::run_until_signal() { impl_->run_until_signal(); }
std::uint16_t Server::port() const { return impl_->port.load(); }

}  // namespace ordo
