#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace ordo {
namespace {

bool safe_segment(std::string_view s) {
  if (s.empty() || s.front() == '.') return false;  // also rejects "." and ".."
  return s.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::string_view mime_type(std::string_view filename) {
  std::size_t dot = filename.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? std::string_view{} : filename.substr(dot + 1);
  struct Entry { std::string_view ext, type; };
  static constexpr Entry kTypes[] = {
      {"html", "text/html; charset=utf-8"}, {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
      {"json", "application/json"}, {"map", "application/json"},
      {"webmanifest", "application/manifest+json"}, {"txt", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
      {"gif", "image/gif"}, {"webp", "image/webp"}, {"ico", "image/x-icon"}, {"woff", "font/woff"},
      {"woff2", "font/woff2"}, {"ttf", "font/ttf"}, {"wasm", "application/wasm"},
  };
  for (const auto& e : kTypes)
    if (iequals(e.ext, ext)) return e.type;
  return "application/octet-stream";
}

std::optional<Response> serve_static(const std::string& root, const std::vector<std::string>& segments) {
  if (root.empty()) return std::nullopt;
  std::vector<std::string> parts = segments;
  if (!parts.empty() && parts.back().empty()) parts.pop_back();  // "/" and "/dir/"
  std::filesystem::path path(root);
  for (const auto& s : parts) {
    if (!safe_segment(s)) return std::nullopt;
    path /= s;
  }
  std::string name = parts.empty() ? "index.html" : parts.back();
  std::optional<std::string> body;
  std::error_code ec;
  if (!parts.empty() && !std::filesystem::is_directory(path, ec)) body = read_file(path);
  if (!body) {
    // SPA fallback: only for extension-less paths (client routes), never for missing assets.
    if (!parts.empty() && name.find('.') != std::string::npos) return std::nullopt;
    name = "index.html";
    body = read_file(std::filesystem::path(root) / name);
    if (!body) return std::nullopt;
  }
  Response r;
  r.status = 200;
  r.content_type = std::string(mime_type(name));
  r.body = std::move(*body);
  r.set_header("Content-Security-Policy", std::string(kWebUiCsp));
  for (const auto& h : kWebUiSecurityHeaders) r.set_header(h.name, std::string(h.value));
  // Vite puts content-hashed files under /assets/: cache them for good, revalidate the rest.
  bool hashed = parts.size() >= 2 && parts.front() == "assets";
  r.set_header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

}  // namespace ordo
