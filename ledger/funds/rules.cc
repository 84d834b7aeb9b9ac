#include "ledger/funds/rules.h"

#include <limits>
#include <utility>

#include "ledger/funds/dates.h"
#include "ledger/funds/money.h"
#include "ledger/funds/record_codec.h"
#include "ledger/funds/view.h"
#include "ledger/crypto/sha256.h"

namespace ledger::funds {
namespace {

using std::to_string;

Status Fail(std::string msg, std::string rule) { return FailedPrecondition(std::move(msg), std::move(rule)); }
Status Missing(std::string msg) { return NotFound(std::move(msg)); }
Status Exists(std::string msg, std::string rule) {
  return Status(Code::kAlreadyExists, std::move(msg), std::move(rule));
}

Status Sub(int64_t* acc, int64_t v) {
  // Only ever reverses an amount that was added before, so it cannot go
  // below zero unless the state is corrupt.
  if (v > *acc) return Internal("reversal below zero: " + to_string(*acc) + " - " + to_string(v));
  *acc -= v;
  return Status::Ok();
}

class Decider {
 public:
  Decider(const tlog::SequencedEntry& e, const RuleContext& ctx)
      : e_(e), ctx_(ctx), today_(LocalDateOfTime(e.time, ctx.utc_offset_minutes)) {
    c_.rec.seq = e.seq;
    c_.rec.time = std::string(e.time);
  }

  Result<Change> Run(EntryType type, const Body& body) {
    c_.rec.type = type;
    Status s = std::visit([this](const auto& b) { return Do(b); }, body);
    if (!s.ok()) return s;
    // Money dated in a year whose books are closed is a prior-period
    // adjustment, kept apart so the closed year's figures never move.
    if (MovesMoney(type) || type == EntryType::kCorrection) {
      const std::string& date = c_.rec.date;
      c_.rec.adjustment = date.size() >= 4 && ctx_.hot.Closed(std::stoi(date.substr(0, 4)));
    }
    return std::move(c_);
  }

 private:
  // --- reads ---
  Result<FundRec> Fund(const std::string& id, const char* what) {
    const FundRec* f = ctx_.hot.FindFund(id);
    if (f == nullptr) return Missing(std::string(what) + " names fund " + id + ", which is not open");
    return *f;
  }
  Result<GrantRec> Grant(const std::string& id, const char* what) {
    LEDGER_ASSIGN_OR_RETURN(std::optional<GrantRec> g, ReadGrant(ctx_.store, id));
    if (!g) return Missing(std::string(what) + " names grant " + id + ", which does not exist");
    return std::move(*g);
  }

  // --- date rules ---
  Status NotAfterToday(std::string_view field, const std::string& date) {
    if (date > today_) {
      return InvalidArgument(std::string(field) + " " + date + " is after the recording date " + today_ +
                                 " (in the ledger's time zone, UTC" + OffsetName() + ")",
                             "date.not_after_recording");
    }
    return Status::Ok();
  }
  Status NotBeforeOpened(std::string_view field, const std::string& date, const FundRec& f) {
    if (date < f.opened_on) {
      return Fail(std::string(field) + " " + date + " is before fund " + f.id + " opened on " + f.opened_on,
                  "date.before_fund_opened");
    }
    return Status::Ok();
  }
  std::string OffsetName() const {
    const int m = ctx_.utc_offset_minutes;
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d", m < 0 ? '-' : '+', std::abs(m) / 60, std::abs(m) % 60);
    return buf;
  }
  // Keeps the ledger's live income within int64 fen (see rules.h).
  Status IncomeFits(int64_t amount) {
    int64_t sum;
    if (__builtin_add_overflow(ctx_.hot.all.income(), amount, &sum)) {
      return Fail("the ledger's live income would exceed " + to_string(std::numeric_limits<int64_t>::max()) +
                      " fen, the most it can hold",
                  "amount.ledger_total");
    }
    return Status::Ok();
  }

  // --- entry types ---
  Status Do(const FundOpenBody& b) {
    if (ctx_.hot.FindFund(b.id) != nullptr) return Exists("fund " + b.id + " is already open", "fund.id_unique");
    FundRec f;
    f.id = b.id;
    f.name_zh = b.name_zh;
    f.name_en = b.name_en;
    f.purpose = b.purpose;
    f.kind = b.kind;
    f.seq = e_.seq;
    f.opened_on = b.opened_on.value_or(today_);
    LEDGER_RETURN_IF_ERROR(NotAfterToday("opened_on", f.opened_on));
    c_.rec.fund = b.id;
    c_.rec.date = f.opened_on;
    c_.fund = std::move(f);
    c_.fund_opened = true;
    return Status::Ok();
  }

  Status Do(const DonationBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("received_at", b.received_at));
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(b.fund, "donation"));
    LEDGER_RETURN_IF_ERROR(NotBeforeOpened("received_at", b.received_at, f));
    LEDGER_RETURN_IF_ERROR(IncomeFits(b.amount));
    if (b.restriction && b.restriction->available_from && *b.restriction->available_from < b.received_at) {
      return Fail("restriction.available_from " + *b.restriction->available_from + " is before received_at " +
                      b.received_at,
                  "donation.restriction_dates");
    }
    c_.rec.fund = b.fund;
    c_.rec.amount = b.amount;
    c_.rec.date = b.received_at;
    c_.rec.restricted = b.restriction.has_value();
    if (b.restriction && b.restriction->admin_fee_cap_bp) c_.rec.cap_bp = *b.restriction->admin_fee_cap_bp;
    c_.rec.in_kind = b.in_kind.has_value();
    if (b.restriction && b.restriction->available_from) c_.rec.date_to = *b.restriction->available_from;
    // The admin-cost cap of a restricted gift, in basis points (0: none
    // allowed), is looked up from the entry when an admin cost is charged.
    return Inflow(std::move(f));
  }

  Status Do(const IncomeBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("received_at", b.received_at));
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(b.fund, "income"));
    LEDGER_RETURN_IF_ERROR(NotBeforeOpened("received_at", b.received_at, f));
    LEDGER_RETURN_IF_ERROR(IncomeFits(b.amount));
    c_.rec.fund = b.fund;
    c_.rec.amount = b.amount;
    c_.rec.date = b.received_at;
    c_.rec.klass = b.cls;
    return Inflow(std::move(f));
  }

  Status Do(const BalanceForwardBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("as_of", b.as_of));
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(b.fund, "balance brought forward"));
    LEDGER_RETURN_IF_ERROR(IncomeFits(b.amount));
    // The money a fund held when the ledger began: before anything else.
    if (f.totals.inflow() != 0 || f.tape_out != 0) {
      return Fail("fund " + f.id + " already has entries; a balance is brought forward before any other money",
                  "balance_forward.first");
    }
    if (b.as_of > f.opened_on) {
      return Fail("as_of " + b.as_of + " is after fund " + f.id + " opened on " + f.opened_on +
                      "; a balance is brought forward to the opening date or before",
                  "balance_forward.first");
    }
    c_.rec.fund = b.fund;
    c_.rec.amount = b.amount;
    c_.rec.date = b.as_of;
    return Inflow(std::move(f));
  }

  Status Do(const LotteryAllocationBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("received_at", b.received_at));
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(b.fund, "allocation"));
    if (f.kind != FundKind::kLottery) {
      return Fail("lottery allocation to fund " + b.fund + " of kind charity; it needs kind lottery",
                  "lottery.fund_kind");
    }
    LEDGER_RETURN_IF_ERROR(NotBeforeOpened("received_at", b.received_at, f));
    if (b.fiscal_year > std::stoi(b.received_at.substr(0, 4)) + 1) {
      return Fail("fiscal year " + std::to_string(b.fiscal_year) + " is more than a year after it was received (" +
                      b.received_at + ")",
                  "lottery.fiscal_year");
    }
    // One live allocation per finance document (文号) and fund.
    std::string key = LotteryKey(b.fund, crypto::ToHex(b.document_no));
    auto prev = ctx_.store.Get(key);
    if (prev.ok()) {
      return Exists("fund " + b.fund + " already has allocation " + *prev + " under document " + b.document_no +
                        "; correct it first",
                    "lottery.document_unique");
    }
    if (prev.status().code() != Code::kNotFound) return prev.status();
    LEDGER_RETURN_IF_ERROR(IncomeFits(b.amount));
    c_.rec.fund = b.fund;
    c_.rec.amount = b.amount;
    c_.rec.period = std::to_string(b.fiscal_year);
    c_.rec.klass = b.level;
    c_.rec.subject = b.document_no;
    c_.rec.date = b.received_at;
    c_.lottery_set = std::move(key);
    return Inflow(std::move(f));
  }

  Status Do(const LotterySalesBody& b) {
    const std::string first = b.period.size() == 4 ? b.period + "-01-01" : PeriodFirstDay(b.period);
    LEDGER_RETURN_IF_ERROR(NotAfterToday("period", first));
    c_.rec.amount = b.sales;
    c_.rec.period = b.period;
    c_.rec.date = first;
    c_.rec.klass = b.game.value_or("");
    return Status::Ok();
  }

  Status Inflow(FundRec f) {
    const EntryRec& r = c_.rec;
    Measures add = MeasuresOf(r);
    f.totals.Add(add);
    c_.rec.tape = f.tape_in;
    f.tape_in += static_cast<Tape>(r.amount);
    c_.fund = std::move(f);
    return Status::Ok();
  }

  Status Do(const GrantBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("award_date", b.award_date));
    LEDGER_ASSIGN_OR_RETURN(std::optional<GrantRec> taken, ReadGrant(ctx_.store, b.id));
    if (taken) return Exists("grant id " + b.id + " is already taken", "grant.id_unique");
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(b.fund, "grant"));
    LEDGER_RETURN_IF_ERROR(NotBeforeOpened("award_date", b.award_date, f));
    if (b.project) {
      LEDGER_ASSIGN_OR_RETURN(ProjectRec p, Project(*b.project, "grant"));
      if (!p.fund.empty() && p.fund != b.fund) {
        return Fail("grant from fund " + b.fund + " for project " + p.id + " of fund " + p.fund, "grant.project_fund");
      }
    }
    if (b.amount > f.uncommitted()) {
      return Fail("grant of " + to_string(b.amount) + " fen exceeds fund " + b.fund + " uncommitted balance of " +
                      to_string(f.uncommitted()) + " fen",
                  "grant.within_uncommitted");
    }
    GrantRec g;
    g.id = b.id;
    g.fund = b.fund;
    g.recipient_id = b.recipient_id;
    g.recipient_name = b.recipient_name;
    g.title = b.title;
    g.programme = b.programme.value_or("");
    g.award_date = b.award_date;
    g.seq = e_.seq;
    g.amount = b.amount;
    g.modified = c_.rec.time;
    g.tape = f.tape_out;
    g.project = b.project.value_or("");
    c_.rec.subject = g.project;
    c_.rec.fund = b.fund;
    c_.rec.grant = b.id;
    c_.rec.amount = b.amount;
    c_.rec.date = b.award_date;
    c_.rec.programme = g.programme;
    c_.rec.tape = f.tape_out;
    f.totals.Add(MeasuresOf(c_.rec));
    f.tape_out += static_cast<Tape>(b.amount);
    c_.fund = std::move(f);
    c_.grant = std::move(g);
    return Status::Ok();
  }

  Status Do(const DisbursementBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("paid_at", b.paid_at));
    LEDGER_ASSIGN_OR_RETURN(GrantRec g, Grant(b.grant, "disbursement"));
    if (g.corrected) {
      return Fail("grant " + b.grant + " was reversed by a correction; nothing can be paid on it",
                  "disbursement.grant_live");
    }
    if (b.paid_at < g.award_date) {
      return Fail("paid_at " + b.paid_at + " is before grant " + g.id + " was awarded on " + g.award_date,
                  "disbursement.after_award");
    }
    const int64_t remaining = g.amount - g.paid;
    if (b.amount > remaining) {
      return Fail("disbursement of " + to_string(b.amount) + " fen exceeds grant " + b.grant +
                      " unpaid amount of " + to_string(remaining) + " fen (granted " + to_string(g.amount) +
                      ", paid " + to_string(g.paid) + ")",
                  "disbursement.within_grant");
    }
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(g.fund, "grant"));
    if (b.amount > f.balance()) {
      return Fail("disbursement of " + to_string(b.amount) + " fen exceeds fund " + g.fund + " balance of " +
                      to_string(f.balance()) + " fen",
                  "fund.balance_nonnegative");
    }
    GrantLevel(g, b.amount, b.paid_at);
    c_.rec.households = b.households;
    c_.rec.persons = b.persons;
    c_.rec.klass = b.area.value_or("");
    g.households += b.households;
    g.persons += b.persons;
    g.paid += b.amount;
    ++g.n_disbursements;
    if (g.first_paid_at.empty() || b.paid_at < g.first_paid_at) g.first_paid_at = b.paid_at;
    f.totals.Add(MeasuresOf(c_.rec));
    c_.fund = std::move(f);
    c_.grant = std::move(g);
    return Status::Ok();
  }

  Status Do(const ExpenseBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("spent_at", b.spent_at));
    LEDGER_ASSIGN_OR_RETURN(GrantRec g, Grant(b.grant, "expense"));
    if (g.corrected) return Fail("grant " + b.grant + " was reversed by a correction", "expense.grant_live");
    const int64_t unused = g.paid - g.used;
    if (b.amount > unused) {
      return Fail("expense of " + to_string(b.amount) + " fen exceeds grant " + b.grant +
                      " disbursed-but-unused amount of " + to_string(unused) + " fen (paid " + to_string(g.paid) +
                      ", used " + to_string(g.used) + ")",
                  "expense.within_disbursed");
    }
    if (b.spent_at < g.first_paid_at) {
      return Fail("spent_at " + b.spent_at + " is before grant " + g.id + " was first paid on " + g.first_paid_at,
                  "expense.after_payment");
    }
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(g.fund, "grant"));
    GrantLevel(g, b.amount, b.spent_at);
    g.used += b.amount;
    ++g.n_expenses;
    f.totals.Add(MeasuresOf(c_.rec));
    c_.fund = std::move(f);
    c_.grant = std::move(g);
    return Status::Ok();
  }

  // The record of a disbursement or expense on `g`.
  void GrantLevel(GrantRec& g, int64_t amount, const std::string& date) {
    c_.rec.fund = g.fund;
    c_.rec.grant = g.id;
    c_.rec.amount = amount;
    c_.rec.date = date;
    c_.rec.programme = g.programme;
    if (date > g.last_activity) g.last_activity = date;
    g.modified = c_.rec.time;
  }

  Status Do(const AdminCostBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("period", PeriodFirstDay(b.period)));
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(b.fund, "admin cost"));
    LEDGER_RETURN_IF_ERROR(NotBeforeOpened("period", AddMonths(PeriodFirstDay(b.period), 1), f));
    // Stricter than "balance >= 0": admin cost may not spend money already
    // promised to grants, which keeps uncommitted >= 0 and FIFO traces whole.
    if (b.amount > f.uncommitted()) {
      return Fail("admin cost of " + to_string(b.amount) + " fen exceeds fund " + b.fund +
                      " uncommitted balance of " + to_string(f.uncommitted()) + " fen (balance " +
                      to_string(f.balance()) + " fen)",
                  "admin_cost.within_uncommitted");
    }
    c_.rec.fund = b.fund;
    c_.rec.amount = b.amount;
    c_.rec.period = b.period;
    c_.rec.date = PeriodFirstDay(b.period);
    if (b.charged_to) LEDGER_RETURN_IF_ERROR(ChargeToDonation(*b.charged_to, b.fund, b.amount));
    return Outflow(std::move(f));
  }

  // An admin cost charged to a restricted donation stays within what its
  // agreement allows (Charity Law 2023 Art. 61: a donation agreement's terms
  // on admin cost prevail); its record keeps the total charged ("DA/").
  Status ChargeToDonation(uint64_t seq, const std::string& fund, int64_t amount) {
    const std::string s = to_string(seq);
    std::optional<EntryRec> d;
    if (seq < e_.seq) {
      LEDGER_ASSIGN_OR_RETURN(d, ReadEntry(ctx_.store, seq));
    }
    if (!d || d->type != EntryType::kDonation || d->corrected_by) {
      return Missing("admin cost charged to entry " + s + ", which is not a live donation");
    }
    if (d->fund != fund) {
      return Fail("admin cost of fund " + fund + " charged to donation " + s + " of fund " + d->fund,
                  "admin_cost.donation_fund");
    }
    if (!d->restricted) {
      return Fail("donation " + s + " is unrestricted; admin cost is charged only to restricted gifts",
                  "admin_cost.charged_to_restricted");
    }
    const int64_t cap = static_cast<int64_t>(static_cast<Int128>(d->amount) * d->cap_bp / 10000);
    int64_t charged = 0;
    if (auto v = ctx_.store.Get("DA/" + SeqKeyPart(seq)); v.ok()) charged = std::stoll(*v);
    if (charged + amount > cap) {
      return Fail("admin cost of " + to_string(amount) + " fen would bring what is charged to donation " + s + " to " +
                      to_string(charged + amount) + " fen, above the " + to_string(cap) +
                      " fen its agreement allows (" + to_string(d->cap_bp) + " basis points)",
                  "admin_cost.within_donation_cap");
    }
    c_.rec.charged_to = seq;
    c_.donation_admin = {seq, charged + amount};
    return Status::Ok();
  }

  Status Do(const CostBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("period", PeriodFirstDay(b.period)));
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(b.fund, "cost"));
    LEDGER_RETURN_IF_ERROR(NotBeforeOpened("period", AddMonths(PeriodFirstDay(b.period), 1), f));
    if (b.amount > f.uncommitted()) {
      return Fail("cost of " + to_string(b.amount) + " fen exceeds fund " + b.fund + " uncommitted balance of " +
                      to_string(f.uncommitted()) + " fen",
                  "cost.within_uncommitted");
    }
    c_.rec.fund = b.fund;
    c_.rec.amount = b.amount;
    c_.rec.period = b.period;
    c_.rec.date = PeriodFirstDay(b.period);
    c_.rec.klass = std::string(CostClassName(b.cls));
    return Outflow(std::move(f));
  }

  Status Outflow(FundRec f) {
    c_.rec.tape = f.tape_out;
    f.totals.Add(MeasuresOf(c_.rec));
    f.tape_out += static_cast<Tape>(c_.rec.amount);
    c_.fund = std::move(f);
    return Status::Ok();
  }

  Status Do(const OrgProfileBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("effective_from", b.effective_from));
    OrgProfile p{b.name_zh, b.name_en, b.legal_type, b.effective_from, b.public_fundraising_from.value_or(""),
                 b.uscc.value_or(""), b.sample_data, e_.seq};
    if (ctx_.hot.profiles.count(b.effective_from)) {
      return Exists("a profile already takes effect on " + b.effective_from, "org.profile_unique");
    }
    c_.rec.date = b.effective_from;
    c_.rec.klass = b.legal_type;
    c_.profile = std::move(p);
    return Status::Ok();
  }

  Status Do(const NetAssetsBody& b) {
    const std::string year_end = to_string(b.year) + "-12-31";
    LEDGER_RETURN_IF_ERROR(NotAfterToday("year end", year_end));
    if (ctx_.hot.net_assets.count(static_cast<int>(b.year))) {
      return Exists("net assets at the end of " + to_string(b.year) + " are already recorded; correct them first",
                    "net_assets.unique");
    }
    c_.rec.amount = 0;  // a statement, not money moving
    c_.rec.date = year_end;
    c_.rec.period = to_string(b.year);
    c_.net_assets = {static_cast<int>(b.year), b.amount};
    return Status::Ok();
  }

  Status Do(const ProjectOpenBody& b) {
    LEDGER_ASSIGN_OR_RETURN(std::optional<ProjectRec> taken, ReadProject(b.id));
    if (taken) return Exists("project id " + b.id + " is already taken", "project.id_unique");
    if (b.fund) LEDGER_RETURN_IF_ERROR(Fund(*b.fund, "project").status());
    LEDGER_RETURN_IF_ERROR(NotAfterToday("start", b.start));
    ProjectRec p{b.id, b.name_zh, b.name_en, b.kind, b.fund.value_or(""), b.filing_no.value_or(""), b.start, b.end, e_.seq};
    c_.rec.fund = p.fund;
    c_.rec.date = b.start;
    c_.rec.date_to = b.end;
    c_.rec.klass = b.kind;
    c_.rec.subject = b.id;
    c_.project = std::move(p);
    return Status::Ok();
  }

  Status Do(const DisclosureBody& b) {
    LEDGER_RETURN_IF_ERROR(NotAfterToday("published_at", b.published_at));
    if (b.published_at < b.period_from) {
      return Fail("published_at " + b.published_at + " is before the period it covers starts (" + b.period_from + ")",
                  "disclosure.dates");
    }
    if (b.subject) {
      // The subject is a project or a grant that exists.
      LEDGER_ASSIGN_OR_RETURN(std::optional<ProjectRec> p, ReadProject(*b.subject));
      if (!p) {
        LEDGER_ASSIGN_OR_RETURN(std::optional<GrantRec> g, ReadGrant(ctx_.store, *b.subject));
        if (!g) return Missing("disclosure subject " + *b.subject + " is neither a project nor a grant");
      }
    }
    c_.rec.date = b.published_at;
    c_.rec.date_to = b.period_to;
    c_.rec.period = b.period_from;
    c_.rec.klass = b.what;
    c_.rec.subject = b.subject.value_or("");
    return Status::Ok();
  }

  Status Do(const BooksCloseBody& b) {
    const int year = static_cast<int>(b.year);
    if (to_string(year) >= today_.substr(0, 4)) {
      return Fail("the books of " + to_string(year) + " can be closed once the year is over (today is " + today_ + ")",
                  "books.year_over");
    }
    if (ctx_.hot.Closed(year)) {
      return Exists("the books of " + to_string(year) + " were closed by entry " +
                        to_string(ctx_.hot.closed_years.at(year)),
                    "books.closed_once");
    }
    c_.rec.date = std::string(DateOfTime(e_.time));
    c_.rec.period = to_string(year);
    c_.closed_year = year;
    return Status::Ok();
  }

  Result<std::optional<ProjectRec>> ReadProject(const std::string& id) {
    auto v = ctx_.store.Get(std::string(kProjectPrefix) + id);
    if (!v.ok()) {
      if (v.status().code() == Code::kNotFound) return std::optional<ProjectRec>();
      return v.status();
    }
    LEDGER_ASSIGN_OR_RETURN(ProjectRec p, DecodeProject(*v));
    return std::optional<ProjectRec>(std::move(p));
  }
  Result<ProjectRec> Project(const std::string& id, const char* what) {
    LEDGER_ASSIGN_OR_RETURN(std::optional<ProjectRec> p, ReadProject(id));
    if (!p) return Missing(std::string(what) + " names project " + id + ", which is not open");
    return std::move(*p);
  }

  Status Do(const CorrectionBody& b) {
    const std::string t = to_string(b.target);
    std::optional<EntryRec> target;
    if (b.target < e_.seq) {
      LEDGER_ASSIGN_OR_RETURN(target, ReadEntry(ctx_.store, b.target));
    }
    if (!target) return Missing("correction target entry " + t + " does not exist");
    if (!MovesMoney(target->type)) {
      return Fail("entry " + t + " is a " + std::string(EntryTypeName(target->type)) +
                      ", which moves no money and cannot be corrected",
                  "correction.target_moves_money");
    }
    if (target->corrected_by) {
      return Fail("entry " + t + " was already corrected by entry " + to_string(*target->corrected_by),
                  "correction.not_twice");
    }
    LEDGER_ASSIGN_OR_RETURN(FundRec f, Fund(target->fund, "corrected entry"));
    const int64_t a = target->amount;
    std::optional<GrantRec> g;
    if (!target->grant.empty()) {
      LEDGER_ASSIGN_OR_RETURN(GrantRec got, Grant(target->grant, "corrected entry"));
      g = std::move(got);
    }
    switch (target->type) {
      case EntryType::kDonation:
      case EntryType::kLotteryAllocation:
        if (a > f.uncommitted()) {
          return Fail("reversing entry " + t + " of " + to_string(a) + " fen would leave fund " + f.id +
                          " uncommitted balance at " + to_string(f.uncommitted() - a) + " fen",
                      "correction.balance_nonnegative");
        }
        if (target->type == EntryType::kLotteryAllocation) {
          c_.lottery_erase = LotteryKey(target->fund, crypto::ToHex(target->subject));
        }
        break;
      case EntryType::kIncome:
      case EntryType::kBalanceForward:
        if (a > f.uncommitted()) {
          return Fail("reversing entry " + t + " of " + to_string(a) + " fen would leave fund " + f.id +
                          " uncommitted balance at " + to_string(f.uncommitted() - a) + " fen",
                      "correction.balance_nonnegative");
        }
        break;
      case EntryType::kCost:
        break;
      case EntryType::kGrant:
        if (g->paid > 0) {
          return Fail("grant " + g->id + " has " + to_string(g->paid) +
                          " fen of live disbursements; correct them before the grant",
                      "correction.grant_unpaid");
        }
        g->corrected = true;
        break;
      case EntryType::kDisbursement:
        if (g->used > g->paid - a) {
          return Fail("reversing disbursement " + t + " of " + to_string(a) + " fen would leave grant " + g->id +
                          " paid " + to_string(g->paid - a) + " fen below its used " + to_string(g->used) + " fen",
                      "correction.paid_covers_used");
        }
        LEDGER_RETURN_IF_ERROR(Sub(&g->paid, a));
        LEDGER_RETURN_IF_ERROR(Sub(&g->n_disbursements, 1));
        LEDGER_RETURN_IF_ERROR(Sub(&g->households, target->households));
        LEDGER_RETURN_IF_ERROR(Sub(&g->persons, target->persons));
        break;
      case EntryType::kExpense:
        LEDGER_RETURN_IF_ERROR(Sub(&g->used, a));
        LEDGER_RETURN_IF_ERROR(Sub(&g->n_expenses, 1));
        break;
      case EntryType::kAdminCost:
        if (target->charged_to) {
          int64_t charged = 0;
          if (auto v = ctx_.store.Get("DA/" + SeqKeyPart(*target->charged_to)); v.ok()) charged = std::stoll(*v);
          LEDGER_RETURN_IF_ERROR(Sub(&charged, a));
          c_.donation_admin = {*target->charged_to, charged};
        }
        break;
      default:
        return Internal("unhandled correction target type");
    }
    // Every live total of the fund covers the reversed amount, so this
    // cannot go negative.
    Measures back = MeasuresOf(*target);
    f.totals.Add(back, -1);
    if (g && (target->type == EntryType::kDisbursement || target->type == EntryType::kExpense)) {
      LEDGER_RETURN_IF_ERROR(RecomputeGrantDates(&*g, target->seq));
    }
    if (g) g->modified = c_.rec.time;
    c_.rec.fund = target->fund;
    c_.rec.grant = target->grant;
    c_.rec.target = b.target;
    c_.rec.date = target->date;
    c_.rec.programme = target->programme;
    target->corrected_by = e_.seq;
    c_.corrected = std::move(target);
    c_.fund = std::move(f);
    if (g) c_.grant = std::move(g);
    return Status::Ok();
  }

  // first_paid_at and last_activity of `g` over its live entries other than
  // `reversed` (a grant has few entries; they are listed by X/g/ keys).
  Status RecomputeGrantDates(GrantRec* g, uint64_t reversed) {
    g->first_paid_at.clear();
    g->last_activity.clear();
    Status err;
    LEDGER_RETURN_IF_ERROR(ScanIndex(ctx_.store, GrantEntriesPrefix(g->id), {}, false,
                                     [&](std::string_view, uint64_t seq) {
                                       if (seq == reversed) return true;
                                       auto r = ReadEntry(ctx_.store, seq);
                                       if (!r.ok() || !*r) {
                                         err = r.ok() ? Internal("index names a missing entry") : r.status();
                                         return false;
                                       }
                                       const EntryRec& e = **r;
                                       if (e.corrected_by || !MovesMoney(e.type)) return true;
                                       if (e.type == EntryType::kDisbursement &&
                                           (g->first_paid_at.empty() || e.date < g->first_paid_at)) {
                                         g->first_paid_at = e.date;
                                       }
                                       if (e.date > g->last_activity) g->last_activity = e.date;
                                       return true;
                                     }));
    return err;
  }

  const tlog::SequencedEntry& e_;
  const RuleContext& ctx_;
  const std::string today_;
  Change c_;
};

}  // namespace

Result<Change> Decide(const tlog::SequencedEntry& e, EntryType type, const Body& body, const RuleContext& ctx) {
  return Decider(e, ctx).Run(type, body);
}

}  // namespace ledger::funds
