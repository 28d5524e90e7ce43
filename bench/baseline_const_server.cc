// bench_const_server: the ceiling for any HTTP handler on this machine — the smallest
// correct Boost.Beast HTTP/1.1 keep-alive server, answering every request with the same
// small JSON body. It has what Ordo's server has per connection (async reads and writes on
// a strand, a header and body limit, a timeout, keep-alive, `Connection: close` honoured)
// and nothing else: no routing, no worker pool, no logging, no database.
//
// Threads: `--io-threads` (default 2, Ordo's default) run one io_context. SIGINT/SIGTERM
// stop it. Prints "listening on PORT" once bound (use --port 0 for an ephemeral port).
//
//   bench_const_server --port 0     # -> "bench_const_server: listening on 127.0.0.1:41234"
#include <chrono>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <CLI/CLI.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 1 << 20;
constexpr std::chrono::seconds kTimeout{30};
constexpr std::string_view kBody = R"({"status":"ok","service":"bench"})";

// One connection: read a request, write the constant, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void start() { do_read(); }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return close();
    if (ec) return;  // timeout, reset or a malformed request: drop the connection
    const auto& req = parser_->get();
    res_ = {};
    res_.version(req.version());
    res_.result(http::status::ok);
    res_.set(http::field::content_type, "application/json");
    res_.keep_alive(req.keep_alive());
    res_.body() = kBody;
    res_.prepare_payload();
    stream_.expires_after(kTimeout);
    http::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!res_.keep_alive()) return close();
    do_read();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& ioc, tcp::acceptor&& acceptor) : ioc_(ioc), acceptor_(std::move(acceptor)) {}

  void start() { do_accept(); }

 private:
  void do_accept() {
    acceptor_.async_accept(asio::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket))->start();
    }
    do_accept();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"bench_const_server: a Beast keep-alive server that answers every request with a constant"};
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int io_threads = 2;
  cli.add_option("--host", host, "address to listen on");
  cli.add_option("--port", port, "port to listen on (0 = ephemeral)");
  cli.add_option("--io-threads", io_threads, "io threads")->check(CLI::Range(1, 256));
  CLI11_PARSE(cli, argc, argv);

  asio::io_context ioc{io_threads};
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    std::cerr << "bench_const_server: bad --host '" << host << "': " << ec.message() << "\n";
    return 2;
  }
  tcp::acceptor acceptor(ioc);
  const tcp::endpoint endpoint{address, port};
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "bench_const_server: cannot listen on " << host << ":" << port << ": " << ec.message() << "\n";
    return 1;
  }
  const auto bound = acceptor.local_endpoint().port();
  std::make_shared<Listener>(ioc, std::move(acceptor))->start();

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&ioc](const beast::error_code&, int) { ioc.stop(); });

  std::cout << "bench_const_server: listening on " << host << ":" << bound << std::endl;
  std::vector<std::thread> threads;
  for (int i = 1; i < io_threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  return 0;
}
