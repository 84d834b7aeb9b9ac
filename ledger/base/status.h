// Status and Result<T>: the one error model of the library.
//
// Every library call that can fail returns a Status or a Result<T>. Both are
// [[nodiscard]]. Exceptions thrown by RocksDB, OpenSSL or nlohmann/json are
// caught at the adapter that calls them and never cross a module's public API.
// The api/ layer maps each Code to exactly one HTTP status (api/problem.cc).
#ifndef LEDGER_BASE_STATUS_H_
#define LEDGER_BASE_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ledger {

enum class Code {
  kOk = 0,
  kInvalidArgument,      // the request itself is malformed
  kNotFound,             // the thing named does not exist (yet)
  kAlreadyExists,        // a unique id is taken
  kFailedPrecondition,   // well-formed, but breaks a rule given current state
  kPermissionDenied,     // authenticated, but this role may not do this
  kUnauthenticated,      // no or unknown credentials
  kResourceExhausted,    // queue full, too large
  kOutOfRange,           // index or size beyond the tree
  kCorruption,           // stored data does not match its hashes
  kIOError,              // the disk or the OS failed
  kUnavailable,          // shutting down or failed; retry later
  kInternal,             // a bug
  kInsufficientStorage,  // the disk is (nearly) full; nothing was done
  kOutcomeUnknown,       // may or may not have taken effect (a write whose sync failed)
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message, std::string rule = {})
      : code_(code), message_(std::move(message)), rule_(std::move(rule)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  // A sentence saying what was wrong, with the numbers involved.
  const std::string& message() const { return message_; }
  // A short stable name of the rule that was broken (for example
  // "grant.amount_within_uncommitted"); empty when no domain rule applies.
  const std::string& rule() const { return rule_; }
  // The request member the error is about, as a dotted path ("body.title");
  // empty when the error is not about one member.
  const std::string& field() const { return field_; }
  Status WithField(std::string field) && {
    field_ = std::move(field);
    return std::move(*this);
  }
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string rule_;
  std::string field_;
};

inline Status InvalidArgument(std::string m, std::string rule = {}) {
  return Status(Code::kInvalidArgument, std::move(m), std::move(rule));
}
inline Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
inline Status FailedPrecondition(std::string m, std::string rule = {}) {
  return Status(Code::kFailedPrecondition, std::move(m), std::move(rule));
}
inline Status Corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
inline Status IOError(std::string m) { return Status(Code::kIOError, std::move(m)); }
inline Status OutOfRange(std::string m) { return Status(Code::kOutOfRange, std::move(m)); }
inline Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(runtime/explicit)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(runtime/explicit)

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ledger

// Returns early from the enclosing function when `expr` is not OK.
#define LEDGER_RETURN_IF_ERROR(expr)      \
  do {                                    \
    ::ledger::Status _st = (expr);        \
    if (!_st.ok()) return _st;            \
  } while (0)

#define LEDGER_CONCAT_INNER_(a, b) a##b
#define LEDGER_CONCAT_(a, b) LEDGER_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result, or returns its Status from the enclosing function.
#define LEDGER_ASSIGN_OR_RETURN(lhs, expr) \
  LEDGER_ASSIGN_OR_RETURN_IMPL_(LEDGER_CONCAT_(_res_, __LINE__), lhs, expr)
#define LEDGER_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // LEDGER_BASE_STATUS_H_
