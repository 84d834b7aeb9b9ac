#include "ledger/funds/trace.h"

#include <algorithm>
#include <set>
#include <vector>

#include "ledger/funds/record_codec.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

// Positions on one live tape fit int64: they are sums of live amounts of one
// fund, which the rules keep within int64.
int64_t Overlap(int64_t a, int64_t b, int64_t c, int64_t d) { return std::max<int64_t>(0, std::min(b, d) - std::max(a, c)); }

struct Hole {
  Tape at;
  int64_t len;
};

// The corrected entries of one side of a fund's tape, in tape order.
Result<std::vector<Hole>> Holes(const FundsView& v, const std::string& fund, TapeSide side) {
  std::vector<Hole> out;
  Status err;
  const std::string prefix = HolePrefix(fund, side);
  LEDGER_RETURN_IF_ERROR(v.store->Scan(prefix, {}, [&](std::string_view k, std::string_view seq_hex) {
    Tape at;
    uint64_t seq;
    if (!TapeFromKeyTail(k, &at) || !SeqFromKeyTail(seq_hex, &seq)) {
      err = Corruption("bad tape hole key " + std::string(k));
      return false;
    }
    auto e = v.Entry(seq);
    if (!e.ok()) {
      err = e.status();
      return false;
    }
    out.push_back(Hole{at, e->amount});
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  return out;
}

std::string Field(const EntryBytes& entry, uint64_t seq, const char* name) {
  auto bytes = entry(seq);
  if (!bytes.ok()) return "";
  json j = json::parse(*bytes, nullptr, false);
  if (j.is_discarded() || !j.contains("body") || !j["body"].contains(name)) return "";
  const json& f = j["body"][name];
  return f.is_string() ? f.get<std::string>() : "";
}

}  // namespace

Result<json> TraceJson(const FundsView& v, uint64_t seq, const EntryBytes& entry) {
  auto got = v.Entry(seq);
  if (!got.ok() && got.status().code() != Code::kNotFound) return got.status();
  if (!got.ok() || !IsInflow(got->type)) {
    return NotFound("entry " + std::to_string(seq) + " is not money received (a donation, allocation or income)");
  }
  const EntryRec& in = *got;
  const bool corrected = in.CorrectedBefore(v.size);
  json out{{"seq", seq},
           {"type", EntryTypeName(in.type)},
           {"fund", in.fund},
           {"amount", in.amount},
           {"date", in.date},
           {"corrected", corrected},
           {"tree_size", v.size}};
  json flows = json::array();
  int64_t to_grants = 0, to_admin = 0, to_charitable = 0, to_other_costs = 0, paid = 0, used = 0;
  std::set<std::string> recipients;
  std::string first_date, last_date;
  if (corrected) {
    out["flows"] = std::move(flows);
    out["unspent"] = in.amount;
    out["summary"] = {{"to_grants", 0},  {"to_admin", 0},          {"to_charitable_costs", 0},
                      {"to_other_costs", 0}, {"paid", 0},      {"used", 0},
                      {"recipients", 0}, {"unspent", in.amount}, {"first_date", nullptr},
                      {"last_date", nullptr}};
    return out;
  }

  // This inflow's live interval [a, b).
  LEDGER_ASSIGN_OR_RETURN(std::vector<Hole> in_holes, Holes(v, in.fund, TapeSide::kIn));
  Tape before = 0;
  for (const Hole& h : in_holes) {
    if (h.at < in.tape) before += static_cast<Tape>(h.len);
  }
  const int64_t a = static_cast<int64_t>(in.tape - before);
  const int64_t b = a + in.amount;

  // The gross point of live position a on the outflow tape: past every hole
  // whose live start is at or before a.
  LEDGER_ASSIGN_OR_RETURN(std::vector<Hole> out_holes, Holes(v, in.fund, TapeSide::kOut));
  Tape skipped = 0;
  size_t h = 0;
  while (h < out_holes.size() && out_holes[h].at - skipped <= static_cast<Tape>(a)) {
    skipped += static_cast<Tape>(out_holes[h].len);
    ++h;
  }
  const Tape gross_a = static_cast<Tape>(a) + skipped;

  // The outflow holding gross_a, then on in tape order.
  const std::string prefix = TapePrefix(in.fund, TapeSide::kOut);
  std::string start;
  LEDGER_RETURN_IF_ERROR(v.store->ScanBack(prefix, prefix + TapeKeyPart(gross_a), [&](std::string_view k, std::string_view) {
    start = std::string(k);
    return false;
  }));
  if (start.empty()) start = prefix;
  Status err;
  LEDGER_RETURN_IF_ERROR(v.store->Scan(prefix, start, [&](std::string_view k, std::string_view seq_hex) {
    Tape gross;
    uint64_t oseq;
    if (!TapeFromKeyTail(k, &gross) || !SeqFromKeyTail(seq_hex, &oseq)) {
      err = Corruption("bad tape key " + std::string(k));
      return false;
    }
    auto o = v.Entry(oseq);
    if (!o.ok()) {
      err = o.status();
      return false;
    }
    if (o->CorrectedBefore(v.size)) return true;
    // Live start: gross less the holes before it (holes stay in tape order).
    Tape holes_before = 0;
    for (const Hole& x : out_holes) {
      if (x.at < gross) holes_before += static_cast<Tape>(x.len);
    }
    const int64_t os = static_cast<int64_t>(gross - holes_before), oe = os + o->amount;
    if (os >= b) return false;
    const int64_t part = Overlap(a, b, os, oe);
    if (part == 0) return true;
    const int64_t ps = std::max(a, os), pe = std::min(b, oe);
    json flow{{"seq", oseq}, {"amount", part}, {"date", o->date}};
    if (first_date.empty() || o->date < first_date) first_date = o->date;
    last_date = std::max(last_date, o->date);
    if (o->type == EntryType::kGrant) {
      auto g = v.Grant(o->grant);
      if (!g.ok()) {
        err = g.status();
        return false;
      }
      const int64_t gp = Overlap(ps, pe, os, os + g->paid), gu = Overlap(ps, pe, os, os + g->used);
      flow["kind"] = "grant";
      flow["ref"] = g->id;
      flow["title"] = g->title;
      flow["recipient"] = {{"id", g->recipient_id}, {"name", g->recipient_name}};
      flow["programme"] = g->programme.empty() ? json(nullptr) : json(g->programme);
      flow["grant_paid"] = gp;
      flow["grant_used"] = gu;
      to_grants += part;
      paid += gp;
      used += gu;
      recipients.insert(g->recipient_id);
    } else if (o->type == EntryType::kAdminCost) {
      flow["kind"] = "admin_cost";
      flow["ref"] = Field(entry, oseq, "category") + " " + o->period;
      flow["grant_paid"] = nullptr;
      flow["grant_used"] = nullptr;
      to_admin += part;
    } else {
      flow["kind"] = "cost";
      flow["class"] = o->klass;  // fundraising | charitable | other
      flow["ref"] = o->klass + " " + o->period;
      flow["grant_paid"] = nullptr;
      flow["grant_used"] = nullptr;
      (o->klass == "charitable" ? to_charitable : to_other_costs) += part;
    }
    flows.push_back(std::move(flow));
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  const int64_t unspent = in.amount - to_grants - to_admin - to_charitable - to_other_costs;
  out["flows"] = std::move(flows);
  out["unspent"] = unspent;
  out["summary"] = {{"to_grants", to_grants},
                    {"to_admin", to_admin},
                    {"to_charitable_costs", to_charitable},
                    {"to_other_costs", to_other_costs},
                    {"paid", paid},
                    {"used", used},
                    {"recipients", recipients.size()},
                    {"unspent", unspent},
                    {"first_date", first_date.empty() ? json(nullptr) : json(first_date)},
                    {"last_date", last_date.empty() ? json(nullptr) : json(last_date)}};
  return out;
}

}  // namespace ledger::funds
