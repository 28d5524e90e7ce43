#include "app/throttle.h"

#include <algorithm>

namespace ordo {

std::optional<std::int64_t> LoginThrottle::wait_for(const std::unordered_map<std::string, Entry>& m,
                                                    const std::string& key, int free_failures, Instant now) const {
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  const Entry& e = it->second;
  if (now - e.last >= kWindow || e.failures < free_failures) return std::nullopt;
  int over = std::min(e.failures - free_failures, 20);
  std::int64_t delay = std::min<std::int64_t>(kBaseDelay << over, kMaxDelay);
  std::int64_t until = e.last + delay;
  if (now >= until) return std::nullopt;
  return until - now;
}

void LoginThrottle::bump(std::unordered_map<std::string, Entry>& m, const std::string& key, Instant now) {
  if (m.size() >= kMaxKeys && !m.count(key)) {
    // Drop the stalest entry; O(n) but only when the table is full (an attack in progress).
    auto oldest = std::min_element(m.begin(), m.end(), [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
    m.erase(oldest);
  }
  Entry& e = m[key];
  if (e.failures > 0 && now - e.last >= kWindow) e = Entry{};
  if (e.failures == 0) e.first = now;
  ++e.failures;
  e.last = now;
}

std::optional<std::int64_t> LoginThrottle::blocked(std::string_view account, std::string_view source, Instant now) {
  std::lock_guard g(mu_);
  auto a = wait_for(accounts_, std::string(account), kAccountFreeFailures, now);
  auto s = wait_for(sources_, std::string(source), kSourceFreeFailures, now);
  if (a && s) return std::max(*a, *s);
  return a ? a : s;
}

void LoginThrottle::failure(std::string_view account, std::string_view source, Instant now) {
  std::lock_guard g(mu_);
  bump(accounts_, std::string(account), now);
  if (!source.empty()) bump(sources_, std::string(source), now);
}

void LoginThrottle::success(std::string_view account) {
  std::lock_guard g(mu_);
  accounts_.erase(std::string(account));
}

}  // namespace ordo
