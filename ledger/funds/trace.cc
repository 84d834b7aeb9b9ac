#include "ledger/funds/trace.h"

#include <algorithm>

namespace ledger::funds {

using nlohmann::json;

namespace {
int64_t Overlap(int64_t a, int64_t b, int64_t c, int64_t d) {
  return std::max<int64_t>(0, std::min(b, d) - std::max(a, c));
}
}  // namespace

Result<json> TraceJson(const FundsData& d, uint64_t seq) {
  const EntryRec* in = d.FindEntry(seq);
  if (in == nullptr ||
      (in->type != EntryType::kDonation && in->type != EntryType::kLotteryAllocation)) {
    return NotFound("entry " + std::to_string(seq) + " is not a donation");
  }
  json out{{"seq", seq},
           {"type", EntryTypeName(in->type)},
           {"fund", in->fund},
           {"amount", in->amount},
           {"date", in->date},
           {"corrected", in->corrected_by.has_value()},
           {"tree_size", d.size}};
  json flows = json::array();
  if (in->corrected_by) {
    out["flows"] = std::move(flows);
    out["unspent"] = in->amount;
    return out;
  }
  auto it = d.fund_entries.find(in->fund);
  if (it == d.fund_entries.end()) return Internal("fund index misses " + in->fund);

  // Position of this inflow on the tape. Tape positions fit int64 because
  // fund income was overflow-checked when recorded.
  int64_t a = 0;
  for (size_t pos : it->second) {
    const EntryRec& r = d.entries[pos];
    if (r.seq >= seq) break;
    if (r.corrected_by) continue;
    if (r.type == EntryType::kDonation || r.type == EntryType::kLotteryAllocation) a += r.amount;
  }
  const int64_t b = a + in->amount;

  int64_t out_pos = 0, traced = 0;
  for (size_t pos : it->second) {
    if (out_pos >= b) break;
    const EntryRec& r = d.entries[pos];
    if (r.corrected_by) continue;
    if (r.type != EntryType::kGrant && r.type != EntryType::kAdminCost) continue;
    const int64_t os = out_pos, oe = out_pos + r.amount;
    out_pos = oe;
    const int64_t part = Overlap(a, b, os, oe);
    if (part == 0) continue;
    traced += part;
    const int64_t ps = std::max(a, os), pe = std::min(b, oe);
    json flow{{"seq", r.seq}, {"amount", part}, {"date", r.date}};
    if (r.type == EntryType::kGrant) {
      auto g = d.grants.find(r.grant);
      if (g == d.grants.end()) return Internal("missing grant " + r.grant);
      flow["kind"] = "grant";
      flow["ref"] = r.grant;
      flow["title"] = g->second.title;
      flow["grant_paid"] = Overlap(ps, pe, os, os + g->second.paid);
      flow["grant_used"] = Overlap(ps, pe, os, os + g->second.used);
    } else {
      flow["kind"] = "admin_cost";
      flow["ref"] = r.text1 + " " + r.period;
      flow["grant_paid"] = nullptr;
      flow["grant_used"] = nullptr;
    }
    flows.push_back(std::move(flow));
  }
  out["flows"] = std::move(flows);
  out["unspent"] = in->amount - traced;
  return out;
}

}  // namespace ledger::funds
