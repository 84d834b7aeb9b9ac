#include "api/rate_limit.h"

#include <algorithm>
#include <cmath>

#include "ledger/crypto/sha256.h"

namespace ledger::api {

TokenBuckets::TokenBuckets(double rate, double burst, size_t max_keys)
    : rate_(rate), burst_(std::max(burst, 1.0)), max_keys_(std::max<size_t>(max_keys, 1)) {}

double TokenBuckets::Refill(Bucket& b, Clock::time_point now) const {
  if (now > b.last) {
    double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  return b.tokens;
}

void TokenBuckets::Evict(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    it = Refill(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

int64_t TokenBuckets::Take(std::string_view key, Clock::time_point now) {
  if (rate_ <= 0) return 0;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Evict(now);
    it = buckets_.emplace(std::string(key), Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  if (Refill(b, now) >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / rate_)));
}

size_t TokenBuckets::keys() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

int64_t RateLimiter::CheckToken(std::string_view bearer) {
  if (!by_token_.enabled()) return 0;
  crypto::Hash h = crypto::Sha256Of(bearer);
  return by_token_.Take(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

}  // namespace ledger::api
