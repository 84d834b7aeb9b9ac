// Rate limits for ledgerd: token buckets per client address (every request)
// and per bearer token (writes), answered with 429 and Retry-After.
//
// TokenBuckets implements the classic token bucket: each key has a bucket of
// `burst` tokens refilled at `rate` tokens per second; a request takes one
// token or is refused with the whole seconds until one is back. Keys are
// client addresses or SHA-256 hashes of bearer tokens (a raw token is never
// kept). The key map is bounded (max_keys): when full, buckets that have
// refilled completely (indistinguishable from new ones) are dropped first,
// then, if that frees nothing, all of them (a flood of distinct keys must not
// grow memory).
//
// Thread-safe: one mutex per TokenBuckets.
#ifndef LEDGER_API_RATE_LIMIT_H_
#define LEDGER_API_RATE_LIMIT_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ledger::api {

class TokenBuckets {
 public:
  using Clock = std::chrono::steady_clock;
  // rate <= 0 means unlimited. burst < 1 is treated as 1.
  TokenBuckets(double rate, double burst, size_t max_keys = 100000);

  // Takes one token from `key`'s bucket. Returns 0 when allowed, otherwise
  // the whole seconds (>= 1) after which a token will be available.
  int64_t Take(std::string_view key, Clock::time_point now);
  int64_t Take(std::string_view key) { return Take(key, Clock::now()); }

  bool enabled() const { return rate_ > 0; }
  size_t keys() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double Refill(Bucket& b, Clock::time_point now) const;
  void Evict(Clock::time_point now);  // requires mu_

  const double rate_, burst_;
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// ledgerd's two limits (requests per second; 0 = off; burst = 2 x rate).
struct RateLimitOptions {
  double per_address = 1000;  // every request from one client address
  double per_token = 1000;    // writes (POST) with one bearer token
};

class RateLimiter {
 public:
  explicit RateLimiter(const RateLimitOptions& o)
      : by_address_(o.per_address, 2 * o.per_address), by_token_(o.per_token, 2 * o.per_token) {}
  // 0 when the request may proceed, else the Retry-After seconds.
  int64_t CheckAddress(std::string_view address) { return by_address_.Take(address); }
  // `bearer` is the raw token; only its hash is used as the key.
  int64_t CheckToken(std::string_view bearer);

 private:
  TokenBuckets by_address_, by_token_;
};

}  // namespace ledger::api

#endif  // LEDGER_API_RATE_LIMIT_H_
