// docs/openapi.yaml must describe every route of the route table, with its method.
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "http/router.h"

namespace ordo::testing {
namespace {

// paths → methods, read from the `paths:` section by indentation (2 spaces: path, 4: method).
std::map<std::string, std::set<std::string>> documented_paths() {
  std::ifstream in(std::string(ORDO_SOURCE_DIR) + "/docs/openapi.yaml");
  EXPECT_TRUE(in) << "docs/openapi.yaml is missing";
  std::map<std::string, std::set<std::string>> out;
  std::string line, current;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line.rfind("paths:", 0) == 0) { in_paths = true; continue; }
    if (!line.empty() && line[0] != ' ') in_paths = false;
    if (!in_paths) continue;
    if (line.size() > 3 && line.rfind("  /", 0) == 0 && line.back() == ':') {
      current = line.substr(2, line.size() - 3);
      out[current];
    } else if (!current.empty() && line.rfind("    ", 0) == 0 && line[4] != ' ') {
      std::string key = line.substr(4, line.find(':') - 4);
      for (const char* m : {"get", "post", "patch", "put", "delete"})
        if (key == m) out[current].insert(key);
    }
  }
  return out;
}

TEST(OpenApi, DocumentsEveryRoute) {
  auto docs = documented_paths();
  auto routes = api_routes(RouterOptions{});
  ASSERT_FALSE(routes.empty());
  for (const auto& r : routes) {
    std::string m = r.method;
    for (auto& ch : m) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto it = docs.find(r.pattern);
    ASSERT_NE(it, docs.end()) << r.pattern << " is not in docs/openapi.yaml";
    EXPECT_TRUE(it->second.count(m)) << r.method << " " << r.pattern << " is not documented";
  }
  std::size_t documented = 0;
  for (const auto& [p, ms] : docs) documented += ms.size();
  EXPECT_EQ(documented, routes.size()) << "docs/openapi.yaml documents a route the server does not have";
}

}  // namespace
}  // namespace ordo::testing
