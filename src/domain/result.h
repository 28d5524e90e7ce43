// Result<T>: the value of an operation that can fail in an expected way (STYLE.md §5).
//
// Expected failures (bad input, missing record, stale version, illegal transition) are
// values, never exceptions. The domain never names an HTTP status: http/problem.cc maps
// ErrorKind to a status code at the edge. Thread-safety: plain value types.
//
//   Result<int> parse(std::string_view s);
//   auto r = parse("42");
//   if (!r) return r.error();          // propagate
//   use(*r);
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ordo {

enum class ErrorKind {
  kInvalid,             // the input is malformed or breaks a rule (400)
  kNotFound,            // no such thing, or the caller may not know it exists (404)
  kConflict,            // the state forbids it, e.g. an illegal transition (409)
  kPreconditionFailed,  // stale version (412)
  kUnauthenticated,     // no or bad credentials (401)
  kForbidden,           // known but not allowed (403)
  kTooLarge,            // body over the limit (413)
  kTooManyRequests,     // throttled (429)
  kUnavailable,         // shutting down, database unreachable (503)
  kInternal,            // a bug or an unexpected database failure (500)
};

struct FieldError {
  std::string field;
  std::string message;
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
  std::vector<FieldError> fields;    // per-field validation errors
  std::vector<std::string> allowed;  // for kConflict on transitions: the legal targets
  long long retry_after = 0;         // for kTooManyRequests: seconds (Retry-After)
};

inline Error invalid(std::string msg, std::vector<FieldError> fields = {}) {
  return Error{ErrorKind::kInvalid, std::move(msg), std::move(fields), {}};
}
inline Error field_error(std::string field, std::string msg) {
  return Error{ErrorKind::kInvalid, "validation failed", {{std::move(field), std::move(msg)}}, {}};
}
inline Error not_found(std::string msg) { return Error{ErrorKind::kNotFound, std::move(msg), {}, {}}; }
inline Error conflict(std::string msg) { return Error{ErrorKind::kConflict, std::move(msg), {}, {}}; }
inline Error internal_error(std::string msg) { return Error{ErrorKind::kInternal, std::move(msg), {}, {}}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}       // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }
  Error&& take_error() { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }
  Error&& take_error() { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> ok() { return {}; }

}  // namespace ordo

// Propagates the error of a Result-returning expression; binds the value otherwise.
#define ORDO_CONCAT_INNER(a, b) a##b
#define ORDO_CONCAT(a, b) ORDO_CONCAT_INNER(a, b)
#define ORDO_TRY(expr) ORDO_TRY_IMPL(ORDO_CONCAT(_ordo_t_, __LINE__), expr)
#define ORDO_TRY_IMPL(tmp, expr)           \
  do {                                     \
    auto tmp = (expr);                     \
    if (!tmp) return tmp.take_error();     \
  } while (0)
#define ORDO_ASSIGN(lhs, expr) ORDO_ASSIGN_IMPL(ORDO_CONCAT(_ordo_r_, __LINE__), lhs, expr)
#define ORDO_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                     \
  if (!tmp) return tmp.take_error();     \
  lhs = std::move(*tmp)
