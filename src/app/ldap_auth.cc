#include "app/ldap_auth.h"

#include <ldap.h>
#include <sys/time.h>

#include <cstdint>
#include <memory>
#include <string>

namespace ordo {
namespace {

constexpr std::string_view kPlaceholder = "{username}";

Error make_error(ErrorKind kind, std::string msg) { return Error{kind, std::move(msg), {}, {}}; }

// One message for every credential failure, so a caller cannot tell an unknown user from a
// wrong password.
Error bad_credentials() { return make_error(ErrorKind::kUnauthenticated, "invalid username or password"); }

struct LdapCloser {
  void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
using LdapHandle = std::unique_ptr<LDAP, LdapCloser>;

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1Fu; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0Fu; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07u; }
    else return false;
    if (s.size() - i <= n) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

bool has_control_byte(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

std::string ldap_message(LDAP* ld, int rc) {
  std::string msg = ldap_err2string(rc);
  char* diag = nullptr;
  if (ld != nullptr && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) == LDAP_OPT_SUCCESS &&
      diag != nullptr) {
    if (*diag != '\0') msg += std::string(" (") + diag + ")";
    ldap_memfree(diag);
  }
  return msg;
}

// Maps a failed bind's result code to an ErrorKind (see the contract in ldap_auth.h).
Error bind_error(LDAP* ld, int rc) {
  switch (rc) {
    case LDAP_INVALID_CREDENTIALS:  // wrong password, or no such entry (servers don't say which)
    case LDAP_NO_SUCH_OBJECT:
    case LDAP_INAPPROPRIATE_AUTH:   // the entry has no password
    case LDAP_INSUFFICIENT_ACCESS:  // the server's ACLs refuse this entry
      return bad_credentials();
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
    case LDAP_TIMEOUT:
    case LDAP_TIMELIMIT_EXCEEDED:
    case LDAP_BUSY:
    case LDAP_UNAVAILABLE:
      return make_error(ErrorKind::kUnavailable, "ldap: directory unavailable: " + ldap_message(ld, rc));
    case LDAP_INVALID_DN_SYNTAX:  // the username is escaped, so only the template can cause it
      return make_error(ErrorKind::kInternal,
                        "ldap: user_dn_template does not make a valid DN: " + ldap_message(ld, rc));
    default:
      return make_error(ErrorKind::kInternal, "ldap: bind failed: " + ldap_message(ld, rc));
  }
}

std::string make_dn(std::string_view tmpl, std::string_view escaped_username) {
  std::string dn;
  std::size_t pos = 0;
  for (;;) {
    auto hit = tmpl.find(kPlaceholder, pos);
    if (hit == std::string_view::npos) break;
    dn.append(tmpl.substr(pos, hit - pos));
    dn.append(escaped_username);
    pos = hit + kPlaceholder.size();
  }
  dn.append(tmpl.substr(pos));
  return dn;
}

}  // namespace

std::string escape_dn_value(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(v.size() + 8);
  for (std::size_t i = 0; i < v.size(); ++i) {
    char ch = v[i];
    auto c = static_cast<unsigned char>(ch);
    bool first = i == 0;
    bool last = i + 1 == v.size();
    if (c < 0x20 || c == 0x7F) {
      out += '\\';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
      continue;
    }
    switch (ch) {
      case ',': case '+': case '"': case '\\': case '<': case '>': case ';': case '=':
        out += '\\';
        break;
      case ' ':
        if (first || last) out += '\\';
        break;
      case '#':
        if (first) out += '\\';
        break;
      default:
        break;
    }
    out += ch;
  }
  return out;
}

Result<void> ldap_bind(const LdapOptions& options, std::string_view username, std::string_view password) {
  if (!options.enabled()) return make_error(ErrorKind::kInternal, "ldap: no url configured");
  if (options.user_dn_template.find(kPlaceholder) == std::string::npos) {
    return make_error(ErrorKind::kInternal, "ldap: user_dn_template has no {username}");
  }
  if (options.timeout_seconds <= 0) return make_error(ErrorKind::kInternal, "ldap: timeout_seconds must be > 0");
  if (username.empty()) return field_error("username", "must not be empty");
  if (has_control_byte(username) || !valid_utf8(username)) {
    return field_error("username", "must be UTF-8 text without control characters");
  }
  // Never send an empty password: that is an unauthenticated bind (RFC 4513 §5.1.2), which
  // a server may answer with success for any DN.
  if (password.empty()) return field_error("password", "must not be empty");

  LDAP* raw = nullptr;
  int rc = ldap_initialize(&raw, options.url.c_str());
  LdapHandle ld(raw);
  if (rc != LDAP_SUCCESS || !ld) {
    return make_error(ErrorKind::kInternal, "ldap: bad url '" + options.url + "': " + ldap_err2string(rc));
  }

  int version = LDAP_VERSION3;
  timeval tv{};
  tv.tv_sec = options.timeout_seconds;
  if (ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &version) != LDAP_OPT_SUCCESS ||
      ldap_set_option(ld.get(), LDAP_OPT_NETWORK_TIMEOUT, &tv) != LDAP_OPT_SUCCESS ||
      ldap_set_option(ld.get(), LDAP_OPT_TIMEOUT, &tv) != LDAP_OPT_SUCCESS ||
      ldap_set_option(ld.get(), LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS) {
    return make_error(ErrorKind::kInternal, "ldap: cannot set connection options");
  }

  // ldaps:// is TLS already; StartTLS on it would fail.
  bool ldaps = options.url.rfind("ldaps://", 0) == 0;
  if (options.start_tls && !ldaps) {
    rc = ldap_start_tls_s(ld.get(), nullptr, nullptr);
    if (rc != LDAP_SUCCESS) {
      // No fallback to plaintext: the password must not cross the network in clear.
      return make_error(ErrorKind::kUnavailable, "ldap: StartTLS failed: " + ldap_message(ld.get(), rc));
    }
  }

  std::string dn = make_dn(options.user_dn_template, escape_dn_value(username));
  berval cred{};
  cred.bv_val = const_cast<char*>(password.data());  // libldap only reads it
  cred.bv_len = password.size();
  rc = ldap_sasl_bind_s(ld.get(), dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr, nullptr, nullptr);
  if (rc != LDAP_SUCCESS) return bind_error(ld.get(), rc);
  return ok();
}

}  // namespace ordo
