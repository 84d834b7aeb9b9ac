#include "ledger/funds/state.h"

#include <algorithm>
#include <utility>

#include "ledger/funds/dates.h"
#include "ledger/funds/money.h"
#include "ledger/funds/record_codec.h"

namespace ledger::funds {
namespace {

using std::to_string;

const EntryRec* FindIn(const std::vector<EntryRec>& v, uint64_t seq) {
  auto it = std::lower_bound(v.begin(), v.end(), seq,
                             [](const EntryRec& r, uint64_t s) { return r.seq < s; });
  return it != v.end() && it->seq == seq ? &*it : nullptr;
}

Status Fail(std::string msg, std::string rule) {
  return FailedPrecondition(std::move(msg), std::move(rule));
}

Status Missing(std::string msg) { return NotFound(std::move(msg)); }

Status Exists(std::string msg, std::string rule) {
  return Status(Code::kAlreadyExists, std::move(msg), std::move(rule));
}

// Business dates must not be after the day the entry is recorded.
Status NotAfter(std::string_view field, std::string_view date, std::string_view time) {
  std::string_view today = DateOfTime(time);
  if (date > today) {
    return InvalidArgument(std::string(field) + " " + std::string(date) +
                               " is after the recording date " + std::string(today),
                           "date.not_after_recording");
  }
  return Status::Ok();
}

Status PeriodNotAfter(std::string_view period, std::string_view time) {
  std::string_view month = DateOfTime(time).substr(0, 7);
  if (period > month) {
    return InvalidArgument("period " + std::string(period) + " is after the recording month " +
                               std::string(month),
                           "date.not_after_recording");
  }
  return Status::Ok();
}

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    if (__builtin_mul_overflow(v, 10u, &v) ||
        __builtin_add_overflow(v, static_cast<uint64_t>(ch - '0'), &v)) {
      return false;
    }
  }
  *out = v;
  return true;
}

Status Sub(int64_t* acc, int64_t v) {
  // Only ever reverses an amount that was added before, so it cannot go
  // below zero unless the state is corrupt.
  if (v > *acc) return Internal("reversal below zero: " + to_string(*acc) + " - " + to_string(v));
  *acc -= v;
  return Status::Ok();
}

}  // namespace

const EntryRec* FundsData::FindEntry(uint64_t seq) const { return FindIn(entries, seq); }

const FundRec* FundsState::FindFund(std::string_view id) const {
  if (auto it = st_.funds.find(id); it != st_.funds.end()) return &it->second.first;
  auto it = pub_.funds.find(std::string(id));
  return it != pub_.funds.end() ? &it->second : nullptr;
}

const GrantRec* FundsState::FindGrant(std::string_view id) const {
  if (auto it = st_.grants.find(id); it != st_.grants.end()) return &it->second.first;
  auto it = pub_.grants.find(std::string(id));
  return it != pub_.grants.end() ? &it->second : nullptr;
}

const EntryRec* FundsState::FindEntry(uint64_t seq) const {
  if (!st_.entries.empty() && seq >= st_.entries.front().seq) return FindIn(st_.entries, seq);
  return FindIn(pub_.entries, seq);
}

std::optional<uint64_t> FundsState::CorrectedBy(uint64_t seq) const {
  if (auto it = st_.corrections.find(seq); it != st_.corrections.end()) return it->second;
  const EntryRec* r = FindEntry(seq);
  return r != nullptr ? r->corrected_by : std::nullopt;
}

std::optional<uint64_t> FundsState::IdempotentSeq(std::string_view by,
                                                  std::string_view key) const {
  std::string k = IdemKey(by, key);
  if (auto it = st_.idempotency.find(k); it != st_.idempotency.end()) return it->second;
  if (auto it = pub_.idempotency.find(k); it != pub_.idempotency.end()) return it->second;
  return std::nullopt;
}

std::optional<uint64_t> FundsState::LotterySeq(const std::string& key) const {
  if (auto it = st_.lottery_periods.find(key); it != st_.lottery_periods.end()) {
    return it->second.first;
  }
  if (auto it = pub_.lottery_periods.find(key); it != pub_.lottery_periods.end()) {
    return it->second;
  }
  return std::nullopt;
}

Status FundsState::Apply(const tlog::SequencedEntry& e, EntryType type, const Body& body,
                         const ApplyOptions& opts, tlog::StateWriter* w) {
  if (!opts.idempotency_key.empty()) {
    if (auto first = IdempotentSeq(e.by, opts.idempotency_key)) {
      return Exists("idempotency key already used by entry " + to_string(*first),
                    "idempotency.key_reused");
    }
  }
  if (opts.actor != nullptr) LEDGER_RETURN_IF_ERROR(CheckRole(*opts.actor, type));
  if (!st_.entries.empty() ? e.seq <= st_.entries.back().seq
                           : (!pub_.entries.empty() && e.seq <= pub_.entries.back().seq)) {
    return Internal("entry " + to_string(e.seq) + " applied out of order");
  }

  Change c;
  c.rec.seq = e.seq;
  c.rec.type = type;
  c.rec.time = std::string(e.time);
  LEDGER_RETURN_IF_ERROR(Validate(e, body, opts, &c));

  // Every rule held: stage the effect and its writes.
  const uint64_t seq = e.seq;
  if (c.fund) {
    w->Put(FundKey(c.fund->id), EncodeFund(*c.fund));
    st_.funds[c.fund->id] = {*c.fund, seq};
  }
  if (c.grant) {
    w->Put(GrantKey(c.grant->id), EncodeGrant(*c.grant));
    st_.grants[c.grant->id] = {*c.grant, seq};
  }
  if (c.lottery_set) {
    w->Put(*c.lottery_set, to_string(seq));
    st_.lottery_periods[*c.lottery_set] = {seq, seq};
  }
  if (c.lottery_erase) {
    w->Delete(*c.lottery_erase);
    st_.lottery_periods[*c.lottery_erase] = {std::nullopt, seq};
  }
  if (type == EntryType::kCorrection) {
    EntryRec target = *FindEntry(c.rec.target);
    target.corrected_by = seq;
    w->Put(EntryKey(target.seq), EncodeEntry(target));
    st_.corrections[target.seq] = seq;
  }
  if (!opts.idempotency_key.empty()) {
    c.idem_key = IdemKey(e.by, opts.idempotency_key);
    w->Put(c.idem_key, to_string(seq));
    st_.idempotency[c.idem_key] = seq;
  }
  w->Put(EntryKey(seq), EncodeEntry(c.rec));
  w->Put(kMetaKey, to_string(seq + 1));
  st_.entries.push_back(c.rec);
  pending_.push_back(std::move(c));
  return Status::Ok();
}

Status FundsState::Validate(const tlog::SequencedEntry& e, const Body& body,
                            const ApplyOptions& opts, Change* c) const {
  EntryRec& rec = c->rec;
  const std::string seq_s = to_string(e.seq);

  if (auto* b = std::get_if<FundOpenBody>(&body)) {
    if (FindFund(b->id) != nullptr) {
      return Exists("fund " + b->id + " is already open", "fund.id_unique");
    }
    FundRec f;
    f.id = b->id;
    f.name_zh = b->name_zh;
    f.name_en = b->name_en;
    f.purpose = b->purpose;
    f.kind = b->kind;
    f.seq = e.seq;
    rec.fund = b->id;
    rec.date = std::string(DateOfTime(e.time));
    c->fund = std::move(f);
    return Status::Ok();
  }

  if (auto* b = std::get_if<DonationBody>(&body)) {
    LEDGER_RETURN_IF_ERROR(NotAfter("received_at", b->received_at, e.time));
    const FundRec* f = FindFund(b->fund);
    if (f == nullptr) return Missing("donation names fund " + b->fund + ", which is not open");
    FundRec nf = *f;
    LEDGER_RETURN_IF_ERROR(AddFen(&nf.totals.income, b->amount, "fund income"));
    ++nf.totals.donations;
    rec.fund = b->fund;
    rec.amount = b->amount;
    rec.date = b->received_at;
    rec.text1 = b->channel;
    rec.text2 = b->public_name.value_or("");
    c->fund = std::move(nf);
    return Status::Ok();
  }

  if (auto* b = std::get_if<LotteryAllocationBody>(&body)) {
    LEDGER_RETURN_IF_ERROR(PeriodNotAfter(b->period, e.time));
    const FundRec* f = FindFund(b->fund);
    if (f == nullptr) return Missing("allocation names fund " + b->fund + ", which is not open");
    if (f->kind != FundKind::kLottery) {
      return Fail("lottery allocation to fund " + b->fund + " of kind charity; it needs kind lottery",
                  "lottery.fund_kind");
    }
    std::string key = LotteryKey(b->fund, b->period);
    if (auto prev = LotterySeq(key)) {
      return Exists("fund " + b->fund + " already has allocation " + to_string(*prev) +
                        " for period " + b->period + "; correct it first",
                    "lottery.period_unique");
    }
    FundRec nf = *f;
    LEDGER_RETURN_IF_ERROR(AddFen(&nf.totals.income, b->amount, "fund income"));
    ++nf.totals.allocations;
    rec.fund = b->fund;
    rec.amount = b->amount;
    rec.period = b->period;
    rec.sales = b->sales;
    rec.date = PeriodFirstDay(b->period);
    c->fund = std::move(nf);
    c->lottery_set = std::move(key);
    return Status::Ok();
  }

  if (auto* b = std::get_if<GrantBody>(&body)) {
    LEDGER_RETURN_IF_ERROR(NotAfter("award_date", b->award_date, e.time));
    if (FindGrant(b->id) != nullptr) {
      return Exists("grant id " + b->id + " is already taken", "grant.id_unique");
    }
    const FundRec* f = FindFund(b->fund);
    if (f == nullptr) return Missing("grant names fund " + b->fund + ", which is not open");
    if (b->amount > f->totals.uncommitted()) {
      return Fail("grant of " + to_string(b->amount) + " fen exceeds fund " + b->fund +
                      " uncommitted balance of " + to_string(f->totals.uncommitted()) + " fen",
                  "grant.within_uncommitted");
    }
    FundRec nf = *f;
    LEDGER_RETURN_IF_ERROR(AddFen(&nf.totals.committed, b->amount, "fund committed"));
    ++nf.totals.grants;
    GrantRec g;
    g.id = b->id;
    g.fund = b->fund;
    g.recipient_id = b->recipient_id;
    g.recipient_name = b->recipient_name;
    g.title = b->title;
    g.programme = b->programme.value_or("");
    g.award_date = b->award_date;
    g.seq = e.seq;
    g.amount = b->amount;
    rec.fund = b->fund;
    rec.grant = b->id;
    rec.amount = b->amount;
    rec.date = b->award_date;
    c->fund = std::move(nf);
    c->grant = std::move(g);
    return Status::Ok();
  }

  if (auto* b = std::get_if<DisbursementBody>(&body)) {
    LEDGER_RETURN_IF_ERROR(NotAfter("paid_at", b->paid_at, e.time));
    const GrantRec* g = FindGrant(b->grant);
    if (g == nullptr) return Missing("disbursement names grant " + b->grant + ", which does not exist");
    if (g->corrected) {
      return Fail("grant " + b->grant + " was reversed by a correction; nothing can be paid on it",
                  "disbursement.grant_live");
    }
    int64_t remaining = g->amount - g->paid;
    if (b->amount > remaining) {
      return Fail("disbursement of " + to_string(b->amount) + " fen exceeds grant " + b->grant +
                      " unpaid amount of " + to_string(remaining) + " fen (granted " +
                      to_string(g->amount) + ", paid " + to_string(g->paid) + ")",
                  "disbursement.within_grant");
    }
    const FundRec* f = FindFund(g->fund);
    if (f == nullptr) return Internal("grant " + g->id + " names a missing fund");
    if (b->amount > f->totals.balance()) {
      return Fail("disbursement of " + to_string(b->amount) + " fen exceeds fund " + g->fund +
                      " balance of " + to_string(f->totals.balance()) + " fen",
                  "fund.balance_nonnegative");
    }
    FundRec nf = *f;
    GrantRec ng = *g;
    LEDGER_RETURN_IF_ERROR(AddFen(&nf.totals.disbursed, b->amount, "fund disbursed"));
    ++nf.totals.disbursements;
    ng.paid += b->amount;
    ng.disbursements.push_back(e.seq);
    rec.fund = g->fund;
    rec.grant = g->id;
    rec.amount = b->amount;
    rec.date = b->paid_at;
    rec.text1 = b->payment_ref;
    c->fund = std::move(nf);
    c->grant = std::move(ng);
    return Status::Ok();
  }

  if (auto* b = std::get_if<ExpenseBody>(&body)) {
    LEDGER_RETURN_IF_ERROR(NotAfter("spent_at", b->spent_at, e.time));
    const GrantRec* g = FindGrant(b->grant);
    if (g == nullptr) return Missing("expense names grant " + b->grant + ", which does not exist");
    if (opts.actor != nullptr && opts.actor->role == Role::kGrantee &&
        opts.actor->org != g->recipient_id) {
      return Status(Code::kPermissionDenied,
                    "grantee of organisation " + opts.actor->org +
                        " may not record expenses on grant " + g->id + " to " + g->recipient_id,
                    "expense.own_grant");
    }
    if (g->corrected) {
      return Fail("grant " + b->grant + " was reversed by a correction", "expense.grant_live");
    }
    int64_t unused = g->paid - g->used;
    if (b->amount > unused) {
      return Fail("expense of " + to_string(b->amount) + " fen exceeds grant " + b->grant +
                      " disbursed-but-unused amount of " + to_string(unused) + " fen (paid " +
                      to_string(g->paid) + ", used " + to_string(g->used) + ")",
                  "expense.within_disbursed");
    }
    const FundRec* f = FindFund(g->fund);
    if (f == nullptr) return Internal("grant " + g->id + " names a missing fund");
    FundRec nf = *f;
    GrantRec ng = *g;
    LEDGER_RETURN_IF_ERROR(AddFen(&nf.totals.used, b->amount, "fund used"));
    ++nf.totals.expenses;
    ng.used += b->amount;
    ng.expenses.push_back(e.seq);
    rec.fund = g->fund;
    rec.grant = g->id;
    rec.amount = b->amount;
    rec.date = b->spent_at;
    rec.text1 = b->category;
    rec.text2 = b->description;
    rec.text3 = b->evidence_sha256;
    c->fund = std::move(nf);
    c->grant = std::move(ng);
    return Status::Ok();
  }

  if (auto* b = std::get_if<AdminCostBody>(&body)) {
    LEDGER_RETURN_IF_ERROR(PeriodNotAfter(b->period, e.time));
    const FundRec* f = FindFund(b->fund);
    if (f == nullptr) return Missing("admin cost names fund " + b->fund + ", which is not open");
    // Stricter than "balance >= 0": admin cost may not spend money already
    // promised to grants, which keeps uncommitted >= 0 and FIFO traces whole.
    if (b->amount > f->totals.uncommitted()) {
      return Fail("admin cost of " + to_string(b->amount) + " fen exceeds fund " + b->fund +
                      " uncommitted balance of " + to_string(f->totals.uncommitted()) +
                      " fen (balance " + to_string(f->totals.balance()) + " fen)",
                  "admin_cost.within_uncommitted");
    }
    FundRec nf = *f;
    LEDGER_RETURN_IF_ERROR(AddFen(&nf.totals.admin_cost, b->amount, "fund admin cost"));
    rec.fund = b->fund;
    rec.amount = b->amount;
    rec.period = b->period;
    rec.date = PeriodFirstDay(b->period);
    rec.text1 = b->category;
    c->fund = std::move(nf);
    return Status::Ok();
  }

  if (auto* b = std::get_if<CorrectionBody>(&body)) return Correct(e, *b, c);
  return Internal("unhandled body for entry " + seq_s);
}

Status FundsState::Correct(const tlog::SequencedEntry& e, const CorrectionBody& b,
                           Change* c) const {
  const std::string t = to_string(b.target);
  const EntryRec* target = b.target < e.seq ? FindEntry(b.target) : nullptr;
  if (target == nullptr) return Missing("correction target entry " + t + " does not exist");
  if (!MovesMoney(target->type)) {
    return Fail("entry " + t + " is a " + std::string(EntryTypeName(target->type)) +
                    ", which moves no money and cannot be corrected",
                "correction.target_moves_money");
  }
  if (auto by = CorrectedBy(b.target)) {
    return Fail("entry " + t + " was already corrected by entry " + to_string(*by),
                "correction.not_twice");
  }
  const FundRec* f = FindFund(target->fund);
  if (f == nullptr) return Internal("entry " + t + " names a missing fund");
  FundRec nf = *f;
  FundTotals& tt = nf.totals;
  const int64_t a = target->amount;
  std::optional<GrantRec> ng;
  if (!target->grant.empty()) {
    const GrantRec* g = FindGrant(target->grant);
    if (g == nullptr) return Internal("entry " + t + " names a missing grant");
    ng = *g;
  }

  switch (target->type) {
    case EntryType::kDonation:
    case EntryType::kLotteryAllocation:
      if (a > tt.uncommitted()) {
        return Fail("reversing entry " + t + " of " + to_string(a) + " fen would leave fund " +
                        f->id + " uncommitted balance at " + to_string(tt.uncommitted() - a) +
                        " fen",
                    "correction.balance_nonnegative");
      }
      LEDGER_RETURN_IF_ERROR(Sub(&tt.income, a));
      if (target->type == EntryType::kDonation) {
        LEDGER_RETURN_IF_ERROR(Sub(&tt.donations, 1));
      } else {
        LEDGER_RETURN_IF_ERROR(Sub(&tt.allocations, 1));
        c->lottery_erase = LotteryKey(target->fund, target->period);
      }
      break;
    case EntryType::kGrant:
      if (ng->paid > 0) {
        return Fail("grant " + ng->id + " has " + to_string(ng->paid) +
                        " fen of live disbursements; correct them before the grant",
                    "correction.grant_unpaid");
      }
      LEDGER_RETURN_IF_ERROR(Sub(&tt.committed, a));
      LEDGER_RETURN_IF_ERROR(Sub(&tt.grants, 1));
      ng->corrected = true;
      break;
    case EntryType::kDisbursement:
      if (ng->used > ng->paid - a) {
        return Fail("reversing disbursement " + t + " of " + to_string(a) + " fen would leave grant " +
                        ng->id + " paid " + to_string(ng->paid - a) + " fen below its used " +
                        to_string(ng->used) + " fen",
                    "correction.paid_covers_used");
      }
      LEDGER_RETURN_IF_ERROR(Sub(&tt.disbursed, a));
      LEDGER_RETURN_IF_ERROR(Sub(&tt.disbursements, 1));
      LEDGER_RETURN_IF_ERROR(Sub(&ng->paid, a));
      break;
    case EntryType::kExpense:
      LEDGER_RETURN_IF_ERROR(Sub(&tt.used, a));
      LEDGER_RETURN_IF_ERROR(Sub(&tt.expenses, 1));
      LEDGER_RETURN_IF_ERROR(Sub(&ng->used, a));
      break;
    case EntryType::kAdminCost:
      LEDGER_RETURN_IF_ERROR(Sub(&tt.admin_cost, a));
      break;
    default:
      return Internal("unhandled correction target type");
  }
  c->rec.fund = target->fund;
  c->rec.grant = target->grant;
  c->rec.target = b.target;
  c->rec.date = std::string(DateOfTime(e.time));
  c->rec.text1 = b.reason;
  c->fund = std::move(nf);
  if (ng) c->grant = std::move(*ng);
  return Status::Ok();
}

void FundsState::Commit(uint64_t tree_size) {
  size_t published = 0;
  for (; pending_head_ < pending_.size() && pending_[pending_head_].rec.seq < tree_size;
       ++pending_head_, ++published) {
    Change& c = pending_[pending_head_];
    const uint64_t seq = c.rec.seq;
    // A staged key stays staged while a later entry still writes it.
    auto publish = [seq](auto& staged, const std::string& key) {
      auto it = staged.find(key);
      if (it != staged.end() && it->second.second == seq) staged.erase(it);
    };
    if (c.fund) {
      std::string id = c.fund->id;
      pub_.funds[id] = std::move(*c.fund);
      publish(st_.funds, id);
    }
    if (c.grant) {
      std::string id = c.grant->id;
      pub_.grants[id] = std::move(*c.grant);
      publish(st_.grants, id);
    }
    if (c.lottery_set) {
      pub_.lottery_periods[*c.lottery_set] = seq;
      publish(st_.lottery_periods, *c.lottery_set);
    }
    if (c.lottery_erase) {
      pub_.lottery_periods.erase(*c.lottery_erase);
      publish(st_.lottery_periods, *c.lottery_erase);
    }
    if (c.rec.type == EntryType::kCorrection) {
      auto it = std::lower_bound(pub_.entries.begin(), pub_.entries.end(), c.rec.target,
                                 [](const EntryRec& r, uint64_t s) { return r.seq < s; });
      if (it != pub_.entries.end() && it->seq == c.rec.target) it->corrected_by = seq;
      st_.corrections.erase(c.rec.target);
    }
    if (!c.idem_key.empty()) {
      pub_.idempotency[c.idem_key] = seq;
      st_.idempotency.erase(c.idem_key);
    }
    pub_.fund_entries[c.rec.fund].push_back(pub_.entries.size());
    pub_.entries.push_back(std::move(c.rec));
  }
  st_.entries.erase(st_.entries.begin(), st_.entries.begin() + static_cast<long>(published));
  if (pending_head_ == pending_.size()) {
    pending_.clear();
    pending_head_ = 0;
  } else if (pending_head_ > 1024 && pending_head_ * 2 > pending_.size()) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(pending_head_));
    pending_head_ = 0;
  }
  pub_.size = std::max(pub_.size, tree_size);
}

void FundsState::Drop() {
  st_ = Overlay();
  pending_.clear();
  pending_head_ = 0;
}

Status FundsState::Load(const tlog::StateReader& store, uint64_t tree_size) {
  FundsData d;
  d.size = tree_size;
  uint64_t stored_size = 0;
  auto meta = store.Get(kMetaKey);
  if (meta.ok()) {
    if (!ParseU64(*meta, &stored_size)) return Corruption("undecodable fund state size");
  } else if (meta.status().code() != Code::kNotFound) {
    return meta.status();
  }
  Status err;
  auto scan = [&](std::string_view prefix, auto&& fn) {
    return store.Scan(prefix, {}, [&](std::string_view k, std::string_view v) {
      err = fn(k, v);
      return err.ok();
    });
  };
  LEDGER_RETURN_IF_ERROR(scan(kFundPrefix, [&](std::string_view, std::string_view v) -> Status {
    LEDGER_ASSIGN_OR_RETURN(FundRec f, DecodeFund(v));
    d.funds[f.id] = std::move(f);
    return Status::Ok();
  }));
  LEDGER_RETURN_IF_ERROR(err);
  LEDGER_RETURN_IF_ERROR(scan(kGrantPrefix, [&](std::string_view, std::string_view v) -> Status {
    LEDGER_ASSIGN_OR_RETURN(GrantRec g, DecodeGrant(v));
    d.grants[g.id] = std::move(g);
    return Status::Ok();
  }));
  LEDGER_RETURN_IF_ERROR(err);
  LEDGER_RETURN_IF_ERROR(scan(kEntryPrefix, [&](std::string_view, std::string_view v) -> Status {
    LEDGER_ASSIGN_OR_RETURN(EntryRec r, DecodeEntry(v));
    if (!d.entries.empty() && r.seq <= d.entries.back().seq) {
      return Corruption("entry records out of order at " + to_string(r.seq));
    }
    d.fund_entries[r.fund].push_back(d.entries.size());
    d.entries.push_back(std::move(r));
    return Status::Ok();
  }));
  LEDGER_RETURN_IF_ERROR(err);
  auto seq_map = [&](std::map<std::string, uint64_t>* m) {
    return [&, m](std::string_view k, std::string_view v) -> Status {
      uint64_t seq;
      if (!ParseU64(v, &seq)) return Corruption("undecodable seq under " + std::string(k));
      (*m)[std::string(k)] = seq;
      return Status::Ok();
    };
  };
  LEDGER_RETURN_IF_ERROR(scan(kLotteryPrefix, seq_map(&d.lottery_periods)));
  LEDGER_RETURN_IF_ERROR(scan(kIdemPrefix, seq_map(&d.idempotency)));
  LEDGER_RETURN_IF_ERROR(err);

  // Entries the domain refuses never reach the log and every accepted one
  // writes "M" in its own batch, so "M" equals the tree size; anything else
  // means the state and the log were not written together.
  if (stored_size != tree_size ||
      (!d.entries.empty() && d.entries.back().seq + 1 != stored_size)) {
    return Corruption("fund state reflects tree size " + to_string(stored_size) +
                      " but the log has " + to_string(tree_size));
  }
  pub_ = std::move(d);
  Drop();
  return Status::Ok();
}

}  // namespace ledger::funds
