#include "store/aggregate.h"

#include <algorithm>
#include <map>

namespace ordo {

Result<SqlRows> group_sums(SqlConn& c, const std::vector<std::string>& keys, const std::vector<std::string>& sums,
                           const std::string& from_where, const std::vector<SqlValue>& params) {
  const bool sqlite = c.backend() == SqlBackend::kSqlite;
  std::string cols, group;
  for (const auto& k : keys) {
    cols += (cols.empty() ? "" : ", ") + k;
    group += (group.empty() ? " GROUP BY " : ", ") + k;
  }
  for (const auto& s : sums) cols += (cols.empty() ? "" : ", ") + (sqlite ? s : "SUM(" + s + ")");
  const std::size_t nk = keys.size(), ns = sums.size();
  SqlRows out;
  if (!sqlite) {
    ORDO_ASSIGN(out, c.query("SELECT " + cols + " " + from_where + group, params));
    for (auto& r : out)
      for (std::size_t i = nk; i < nk + ns; ++i) r[i] = sql_int(r[i]);  // NULL (no rows) → 0, numeric → int
    // Sorted here, not by ORDER BY: PostgreSQL puts NULLs last and orders text by its
    // collation, and both backends must return the SQLite map's order (SqlValue's <).
    std::sort(out.begin(), out.end(), [nk](const SqlRow& a, const SqlRow& b) {
      return std::lexicographical_compare(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(nk), b.begin(),
                                          b.begin() + static_cast<std::ptrdiff_t>(nk));
    });
    return out;
  }
  std::map<SqlRow, std::vector<std::int64_t>> acc;
  if (nk == 0) acc[SqlRow{}].assign(ns, 0);
  SqlRow key(nk);
  ORDO_TRY(c.for_each_row("SELECT " + cols + " " + from_where, params, [&](const SqlRow& r) {
    std::copy(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(nk), key.begin());
    auto it = acc.find(key);
    if (it == acc.end()) it = acc.emplace(key, std::vector<std::int64_t>(ns, 0)).first;
    for (std::size_t i = 0; i < ns; ++i) it->second[i] += sql_int(r[nk + i]);
  }));
  out.reserve(acc.size());
  for (auto& [k, v] : acc) {
    SqlRow& r = out.emplace_back(k);
    for (std::int64_t x : v) r.emplace_back(x);
  }
  return out;
}

}  // namespace ordo
