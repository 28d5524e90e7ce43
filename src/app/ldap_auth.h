// LDAP bind authentication: checks an agent's password by binding to a directory as that
// agent (an LDAPv3 simple bind), through the OpenLDAP client library.
//
// Why a bind and not a search + compare: the directory keeps the password hash and its
// policy (lockout, expiry); a bind is the one operation every server answers the same way.
//
// Contract:
//  - The DN comes from user_dn_template with every "{username}" replaced by the username
//    escaped as an RFC 4514 attribute value, so "x,ou=admins" stays one value and cannot
//    change the DN. Usernames with control bytes or invalid UTF-8 are refused (kInvalid).
//  - An empty password is refused (kInvalid) before any network traffic: in LDAP a simple
//    bind with a DN and no password is an *unauthenticated* bind, which many servers
//    answer with success.
//  - ok: the server accepted the password. kUnauthenticated: wrong password, unknown DN,
//    or an account the server refuses (the message never says which). kUnavailable: the
//    server cannot be reached, StartTLS/TLS fails (no plaintext fallback), or it does not
//    answer within timeout_seconds (connect, TLS and bind each). kInternal: a bad
//    configuration (no url, a template without "{username}" or one that makes an invalid
//    DN) or an unexpected LDAP result.
//  - Matching is the server's: with the usual uid attribute (caseIgnoreMatch) "Alice" and
//    "alice " bind as "alice". Callers map the username to an Ordo user case- and
//    space-insensitively, or canonicalise it first.
//  - Referrals are not chased (the password is sent only to options.url). The password is
//    never logged nor put in an error message.
//
// Thread-safety: ldap_bind is safe to call from many threads at once (one LDAP handle per
// call, no shared state). It blocks for up to about 3 * timeout_seconds: call it off the
// I/O threads.
//
//   LdapOptions o{.url = "ldap://127.0.0.1:3389",
//                 .user_dn_template = "uid={username},ou=people,dc=ordo,dc=test"};
//   if (auto r = ldap_bind(o, "alice", password); !r) return r.take_error();
#pragma once

#include <string>
#include <string_view>

#include "domain/result.h"

namespace ordo {

struct LdapOptions {
  std::string url;               // "ldap://127.0.0.1:3389" (ldaps:// allowed)
  std::string user_dn_template;  // "uid={username},ou=people,dc=ordo,dc=test"
  int timeout_seconds = 5;       // network and operation timeout
  bool start_tls = false;
  bool enabled() const { return !url.empty(); }
};

// Binds as the user (simple bind) and unbinds; see the contract above.
Result<void> ldap_bind(const LdapOptions& options, std::string_view username, std::string_view password);

// `v` escaped as an RFC 4514 attribute value: `\` before , + " \ < > ; = and before a
// leading space or '#' and a trailing space; control bytes and DEL as \XX hex pairs.
// Exposed for tests.
std::string escape_dn_value(std::string_view v);

}  // namespace ordo
