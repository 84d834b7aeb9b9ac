// ack_probe: time from a POST's acknowledgement to a published checkpoint
// that covers the entry, measured over HTTP against a running ledgerd, as
// an outside client sees it.
//
//   ack_probe --url http://HOST:PORT --token T [--probes 4] [--seconds 10]
//             [--poll-ms 2] [--limit-ms 1000]
//
// Meant to run while something else (bench/wrk/donation.lua) drives the full
// write load. Each of --probes threads POSTs donations to fund "bench" one
// after another on its own keep-alive connection, and notes when each 201
// arrives and the seq in its JSON. One poller thread GETs /checkpoint every
// --poll-ms (the tree size is the note's second line); when an answer shows
// a size above a pending seq, that entry's latency is the answer's arrival
// time minus its 201's arrival time (0 when a checkpoint covering it was
// already seen when the 201 arrived). The resolution is the gap between two
// checkpoint answers: --poll-ms, or more when a GET takes longer under load;
// the measured gaps are printed too. An entry not covered within 10 s counts
// as never visible (and its 10 s wait goes into the percentiles).
//
// Prints one row, the figure beside --limit-ms with "met" or "MISSED", and
// the details under it. Exit 1 on any failed request or never-visible entry.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kNeverVisible = std::chrono::seconds(10);

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(q * v.size()));
  return v[std::clamp<size_t>(i, 1, v.size()) - 1];
}

struct Pending {
  uint64_t seq;
  Clock::time_point ack;
};

// Shared between the probe threads and the poller; everything under mu.
struct State {
  std::mutex mu;
  uint64_t published = 0;  // largest checkpoint size seen so far
  std::deque<Pending> pending;  // acknowledged, not yet seen covered
  std::vector<double> latency_ms;
  uint64_t never_visible = 0;
};

int Usage() {
  fprintf(stderr,
          "usage: ack_probe --url http://HOST:PORT --token T [--probes 4] [--seconds 10] [--poll-ms 2] "
          "[--limit-ms 1000]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, token;
  int probes = 4, poll_ms = 2;
  double seconds = 10, limit_ms = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--url") url = v;
    else if (a == "--token") token = v;
    else if (a == "--probes") probes = std::atoi(v.c_str());
    else if (a == "--seconds") seconds = std::atof(v.c_str());
    else if (a == "--poll-ms") poll_ms = std::atoi(v.c_str());
    else if (a == "--limit-ms") limit_ms = std::atof(v.c_str());
    else return Usage();
  }
  if (url.empty() || token.empty() || probes < 1 || poll_ms < 1 || argc % 2 != 1) return Usage();

  State st;
  std::atomic<bool> posting{true}, polling{true};
  std::atomic<uint64_t> post_errors{0}, poll_errors{0};
  const std::string body =
      R"({"type":"donation","body":{"fund":"bench","amount":100,"channel":"online","received_at":"2020-01-01"}})";

  std::vector<std::thread> threads;
  for (int p = 0; p < probes; ++p) {
    threads.emplace_back([&] {
      httplib::Client cli(url);
      cli.set_keep_alive(true);
      cli.set_read_timeout(30, 0);
      const httplib::Headers auth{{"Authorization", "Bearer " + token}};
      while (posting) {
        auto res = cli.Post("/api/v1/entries", auth, body, "application/json");
        const auto ack = Clock::now();
        if (!res || res->status != 201) {
          ++post_errors;
          continue;
        }
        uint64_t seq = 0;
        try {
          seq = nlohmann::json::parse(res->body).at("seq").get<uint64_t>();
        } catch (const std::exception&) {
          ++post_errors;
          continue;
        }
        std::lock_guard<std::mutex> l(st.mu);
        if (st.published > seq) st.latency_ms.push_back(0);
        else st.pending.push_back({seq, ack});
      }
    });
  }

  // The poller: GET /checkpoint every poll_ms; resolves pending entries.
  std::vector<double> gaps_ms;
  std::thread poller([&] {
    httplib::Client cli(url);
    cli.set_keep_alive(true);
    auto next = Clock::now();
    Clock::time_point last{};
    while (true) {
      auto res = cli.Get("/checkpoint");
      const auto now = Clock::now();
      if (last != Clock::time_point{}) gaps_ms.push_back(Ms(now - last));
      last = now;
      uint64_t size = 0;
      if (res && res->status == 200) {
        const std::string& note = res->body;
        const size_t a = note.find('\n');
        if (a != std::string::npos) size = std::strtoull(note.c_str() + a + 1, nullptr, 10);
      } else {
        ++poll_errors;
      }
      {
        std::lock_guard<std::mutex> l(st.mu);
        st.published = std::max(st.published, size);
        std::deque<Pending> still;
        for (const Pending& p : st.pending) {
          if (st.published > p.seq) st.latency_ms.push_back(Ms(now - p.ack));
          else if (now - p.ack > kNeverVisible) {
            st.latency_ms.push_back(Ms(now - p.ack));
            ++st.never_visible;
          } else {
            still.push_back(p);
          }
        }
        st.pending.swap(still);
        if (!polling && st.pending.empty()) return;
      }
      next += std::chrono::milliseconds(poll_ms);
      if (next > Clock::now()) std::this_thread::sleep_until(next);
      else next = Clock::now();
    }
  });

  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  posting = false;
  for (auto& t : threads) t.join();
  polling = false;  // the poller stops once every acknowledged entry is resolved
  poller.join();

  const auto& v = st.latency_ms;
  const double p50 = Percentile(v, 0.50), p99 = Percentile(v, 0.99);
  const double max = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  double gap_mean = 0;
  for (double g : gaps_ms) gap_mean += g / gaps_ms.size();
  const bool errors = post_errors > 0 || poll_errors > 0 || st.never_visible > 0 || v.empty();
  const bool met = !errors && p99 < limit_ms;
  char limit[64];
  snprintf(limit, sizeof limit, "limit p99 < %.0f ms", limit_ms);
  printf("%-52s %10.1f %-8s %-30s %s\n", "ack -> published checkpoint over HTTP, p99", p99, "ms", limit,
         met ? "met" : "MISSED");
  printf("  %zu entries from %d probe connections in %.0f s: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", v.size(),
         probes, seconds, p50, p99, max);
  printf("  resolution: GET /checkpoint every %d ms asked; measured gap between answers mean %.1f ms, "
         "p99 %.1f ms, max %.1f ms (%zu polls)\n",
         poll_ms, gap_mean, Percentile(gaps_ms, 0.99),
         gaps_ms.empty() ? 0 : *std::max_element(gaps_ms.begin(), gaps_ms.end()), gaps_ms.size() + 1);
  printf("  failed POSTs %llu, failed checkpoint GETs %llu, never visible within %lld s %llu (limit 0 each)\n",
         (unsigned long long)post_errors.load(), (unsigned long long)poll_errors.load(),
         (long long)kNeverVisible.count(), (unsigned long long)st.never_visible);
  return errors ? 1 : 0;
}
