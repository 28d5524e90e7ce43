#include "app/token_cache.h"

#include <gtest/gtest.h>

namespace ordo {
namespace {

Principal alice() {
  Principal p;
  p.user_id = 7;
  p.username = "alice";
  p.roles = {"agent"};
  p.organisation = 3;
  p.read_only = true;
  return p;
}

TEST(TokenCache, ReturnsTheCheckedPrincipalWithinTheTtl) {
  TokenCache cache(2);
  EXPECT_FALSE(cache.find("h", 100));
  cache.put("h", alice(), std::nullopt, 100, cache.generation());
  auto hit = cache.find("h", 101);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->user_id, 7);
  EXPECT_EQ(hit->username, "alice");
  EXPECT_EQ(hit->roles, std::vector<std::string>{"agent"});
  EXPECT_EQ(hit->organisation, 3);
  EXPECT_TRUE(hit->read_only);
  EXPECT_FALSE(cache.find("other", 101));
}

TEST(TokenCache, ForgetsAnEntryOnceItIsTtlOld) {
  TokenCache cache(2);
  cache.put("h", alice(), std::nullopt, 100, cache.generation());
  EXPECT_TRUE(cache.find("h", 101));
  EXPECT_FALSE(cache.find("h", 102));
  EXPECT_FALSE(cache.find("h", 99)) << "a clock that went back must not extend an entry";
}

TEST(TokenCache, NeverServesATokenPastItsExpiry) {
  TokenCache cache(60);
  cache.put("h", alice(), Instant{105}, 100, cache.generation());
  EXPECT_TRUE(cache.find("h", 104));
  EXPECT_FALSE(cache.find("h", 105));
}

TEST(TokenCache, InvalidateDropsEveryEntry) {
  TokenCache cache(60);
  cache.put("a", alice(), std::nullopt, 100, cache.generation());
  cache.put("b", alice(), std::nullopt, 100, cache.generation());
  cache.invalidate();
  EXPECT_FALSE(cache.find("a", 100));
  EXPECT_FALSE(cache.find("b", 100));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCache, APutFromAReadOlderThanAnInvalidateIsDropped) {
  TokenCache cache(60);
  auto before_read = cache.generation();  // a request reads the token row ...
  cache.invalidate();                     // ... while another revokes it and commits
  cache.put("h", alice(), std::nullopt, 100, before_read);
  EXPECT_FALSE(cache.find("h", 100));
  cache.put("h", alice(), std::nullopt, 100, cache.generation());
  EXPECT_TRUE(cache.find("h", 100));
}

TEST(TokenCache, ZeroTtlCachesNothing) {
  TokenCache cache(0);
  cache.put("h", alice(), std::nullopt, 100, cache.generation());
  EXPECT_FALSE(cache.find("h", 100));
}

TEST(TokenCache, StaysWithinItsCapacity) {
  TokenCache cache(60, 3);
  for (int i = 0; i < 10; ++i) cache.put("h" + std::to_string(i), alice(), std::nullopt, 100, cache.generation());
  EXPECT_LE(cache.size(), 3u);
  EXPECT_TRUE(cache.find("h9", 100)) << "the newest entry survives";
}

}  // namespace
}  // namespace ordo
