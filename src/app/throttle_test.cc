#include "app/throttle.h"

#include <gtest/gtest.h>

namespace ordo {
namespace {

TEST(LoginThrottle, AllowsAFewFailuresThenBacksOffExponentially) {
  LoginThrottle t;
  Instant now = 1000;
  for (int i = 0; i < LoginThrottle::kAccountFreeFailures - 1; ++i) {
    EXPECT_FALSE(t.blocked("alice", "10.0.0.1", now));
    t.failure("alice", "10.0.0.1", now);
  }
  EXPECT_FALSE(t.blocked("alice", "10.0.0.1", now));
  t.failure("alice", "10.0.0.1", now);  // the 5th failure
  auto wait = t.blocked("alice", "10.0.0.2", now);
  ASSERT_TRUE(wait) << "blocked per account, from any address";
  EXPECT_EQ(*wait, LoginThrottle::kBaseDelay);
  EXPECT_FALSE(t.blocked("bob", "10.0.0.2", now)) << "other accounts are not affected";
  now += LoginThrottle::kBaseDelay;
  EXPECT_FALSE(t.blocked("alice", "10.0.0.1", now));
  t.failure("alice", "10.0.0.1", now);
  EXPECT_EQ(t.blocked("alice", "10.0.0.1", now), 2 * LoginThrottle::kBaseDelay);
}

TEST(LoginThrottle, DelayIsCapped) {
  LoginThrottle t;
  Instant now = 0;
  for (int i = 0; i < 40; ++i) t.failure("alice", "", now);
  EXPECT_EQ(t.blocked("alice", "", now), LoginThrottle::kMaxDelay);
}

TEST(LoginThrottle, SuccessClearsTheAccountAndTheWindowForgets) {
  LoginThrottle t;
  for (int i = 0; i < 5; ++i) t.failure("alice", "ip", 0);
  EXPECT_TRUE(t.blocked("alice", "ip", 1));
  t.success("alice");
  EXPECT_FALSE(t.blocked("alice", "ip", 1));
  for (int i = 0; i < 5; ++i) t.failure("carol", "ip", 0);
  EXPECT_FALSE(t.blocked("carol", "ip", LoginThrottle::kWindow + 1));
}

TEST(LoginThrottle, ThrottlesOneSourceTryingManyAccounts) {
  LoginThrottle t;
  for (int i = 0; i < LoginThrottle::kSourceFreeFailures; ++i) t.failure("user" + std::to_string(i), "6.6.6.6", 0);
  EXPECT_TRUE(t.blocked("fresh-account", "6.6.6.6", 0));
  EXPECT_FALSE(t.blocked("fresh-account", "7.7.7.7", 0));
}

}  // namespace
}  // namespace ordo
