// The derived records of the charity domain: what the rules check against
// and what every view reads. All are recomputable from the entries alone
// (tests/funds/replay_test.cc replays a log and compares the stored bytes).
//
// Amounts are int64 fen. A "live" amount or count leaves out entries that a
// correction has reversed. Every live sum of one measure is bounded by the
// ledger's live income, which the rules keep within int64 (rules.h), so
// no sum over any subset of entries can overflow.
//
// Where they live (keys in record_codec.h, bytes in docs/format.md section 6):
// FundRec in memory (the hot state, hot_state.h) and in the store; GrantRec,
// EntryRec, index keys and per-day/month/year Measures only in the store.
#ifndef LEDGER_FUNDS_RECORDS_H_
#define LEDGER_FUNDS_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/funds/body.h"
#include "ledger/funds/entry_types.h"

namespace ledger::funds {

// A position on a fund's FIFO tape (trace.h): the sum of the amounts of the
// fund's inflows (or outflows) before this one, corrected ones included. It
// only grows, and 128 bits cannot overflow for any number of entries.
__extension__ typedef unsigned __int128 Tape;

// Live money of one scope (a fund, or one programme of a fund) over one
// period (a day, a month, a year) or in total, and the live entries behind it.
struct Measures {
  int64_t donations = 0;        // donation income (in-kind gifts at their valuation), fen
  int64_t allocations = 0;      // welfare-lottery allocations received, fen
  int64_t granted = 0;          // grants awarded (committed), fen
  int64_t disbursed = 0;        // paid to grantees, fen
  int64_t used = 0;             // grantees' reported expenses, fen
  int64_t admin_cost = 0;       // 管理费用, fen
  int64_t lottery_sales = 0;    // sales stated as context (lottery.sales), fen: not money of any fund
  int64_t n_donations = 0, n_allocations = 0, n_grants = 0, n_disbursements = 0, n_expenses = 0,
          n_admin_costs = 0;
  int64_t other_income = 0;     // government grants, interest, investment, service, dues, other, fen
  int64_t brought_forward = 0;  // balances a fund held before the ledger began (not income), fen
  int64_t fundraising_cost = 0; // 募捐成本, fen
  int64_t charitable_cost = 0;  // charitable spending not through grants (project staff, volunteers, audits), fen
  int64_t other_cost = 0;       // 其他支出, fen
  int64_t restricted = 0;       // the part of donations restricted to a purpose (定向), fen
  int64_t in_kind = 0;          // the part of donations given in kind, fen
  int64_t deferred = 0;         // income received but time-restricted to a later year, at the date received
  int64_t released = 0;         // the same income, at the date its time restriction ends
  int64_t households = 0, persons = 0;  // beneficiaries of disbursements
  int64_t n_incomes = 0, n_costs = 0;

  // Every field, in the stored order (append only).
  static constexpr int64_t Measures::*kFields[] = {
      &Measures::donations,       &Measures::allocations,     &Measures::granted,
      &Measures::disbursed,       &Measures::used,            &Measures::admin_cost,
      &Measures::lottery_sales,   &Measures::n_donations,     &Measures::n_allocations,
      &Measures::n_grants,        &Measures::n_disbursements, &Measures::n_expenses,
      &Measures::n_admin_costs,   &Measures::other_income,    &Measures::brought_forward,
      &Measures::fundraising_cost, &Measures::charitable_cost, &Measures::other_cost,
      &Measures::restricted,      &Measures::in_kind,         &Measures::deferred,
      &Measures::released,        &Measures::households,      &Measures::persons,
      &Measures::n_incomes,       &Measures::n_costs};

  // Income in the sense of the 2016 rules: donations, allocations, other income.
  int64_t income() const { return donations + allocations + other_income; }
  // Money in: income and balances brought forward.
  int64_t inflow() const { return income() + brought_forward; }
  // Costs other than grants: admin, fundraising, charitable, other.
  int64_t costs() const { return admin_cost + fundraising_cost + charitable_cost + other_cost; }
  bool operator==(const Measures&) const = default;

  // this += sign * o, field by field. Callers keep live sums within int64.
  void Add(const Measures& o, int sign = 1) {
    for (auto f : kFields) this->*f += sign * (o.*f);
  }
};

struct FundRec {
  std::string id, name_zh, name_en, purpose;
  FundKind kind = FundKind::kCharity;
  uint64_t seq = 0;       // its fund.open entry
  std::string opened_on;  // first business date it accepts (YYYY-MM-DD)
  Measures totals;        // live, all dates
  Tape tape_in = 0;       // end of its inflow tape (corrected inflows included)
  Tape tape_out = 0;      // end of its outflow tape

  // inflow - disbursed - costs: money the fund still holds.
  int64_t balance() const { return totals.inflow() - totals.disbursed - totals.costs(); }
  // inflow - granted - costs: money not yet promised. Invariant: >= 0.
  int64_t uncommitted() const { return totals.inflow() - totals.granted - totals.costs(); }
  bool operator==(const FundRec&) const = default;
};

struct GrantRec {
  std::string id, fund, recipient_id, recipient_name, title, programme, award_date;
  uint64_t seq = 0;  // the grant entry
  int64_t amount = 0, paid = 0, used = 0;  // live totals
  bool corrected = false;
  int64_t n_disbursements = 0, n_expenses = 0;  // live
  std::string first_paid_at;  // earliest business date of a live disbursement; empty: none
  std::string last_activity;  // latest business date of a live disbursement or expense
  std::string modified;       // latest recording time of the grant or any of its entries
  Tape tape = 0;              // start of the grant on its fund's outflow tape
  std::string project;        // the project.open it belongs to, or empty
  int64_t households = 0, persons = 0;  // live beneficiaries of its disbursements
  bool operator==(const GrantRec&) const = default;
};

// One accepted entry, as much of it as indexes, rules and views need; the
// rest is in the entry itself (Log::Entry).
struct EntryRec {
  uint64_t seq = 0;
  EntryType type = EntryType::kFundOpen;
  std::string time;   // recording time, RFC 3339 UTC
  std::string fund;   // the fund it concerns (a grant's fund for grant-level entries)
  std::string grant;  // grant, disbursement, expense, and their corrections
  int64_t amount = 0; // 0 for fund.open and correction
  // Business date: received_at, award_date, paid_at, spent_at; the first day
  // of the period for lottery.allocation and admin_cost; opened_on for
  // fund.open; the target's date for a correction.
  std::string date;
  std::string period;          // lottery.allocation, admin_cost: YYYY-MM
  int64_t sales = 0;           // lottery.allocation
  std::string programme;       // grant, disbursement, expense: the grant's programme
  uint64_t target = 0;         // correction: the corrected entry
  std::optional<uint64_t> corrected_by;
  Tape tape = 0;               // inflows and outflows: start on the fund's tape
  // income and cost: the class; lottery.allocation: the level; disclosure:
  // what; project.open: the kind; org.profile: the legal type.
  std::string klass;
  // donation: the end of its time restriction; disclosure: period_to;
  // project.open: its end.
  std::string date_to;
  // disclosure: its subject; grant and project.open: the project;
  // lottery.allocation: the finance document number (文号).
  std::string subject;
  int64_t households = 0, persons = 0;  // disbursement: beneficiaries
  std::optional<uint64_t> charged_to;   // admin_cost: the restricted donation it is charged to
  bool restricted = false;     // donation: 定向
  int64_t cap_bp = 0;          // restricted donation: admin cost its agreement allows, basis points
  bool in_kind = false;        // donation: given in kind
  // Recorded after the books of the year of its business date were closed
  // (a correction: after the books of its target's year were): a prior-period
  // adjustment, summed apart ("J/" keys) so a closed year's figures never move.
  bool adjustment = false;
  bool operator==(const EntryRec&) const = default;

  // True when a correction at an index below `size` reversed this entry.
  bool CorrectedBefore(uint64_t size) const { return corrected_by && *corrected_by < size; }
};

// The organisation as an org.profile entry describes it from `effective_from`.
struct OrgProfile {
  std::string name_zh, name_en, legal_type, effective_from, public_fundraising_from, uscc;
  bool sample_data = false;  // the organisation declares the ledger's data fictional
  uint64_t seq = 0;
  // Whether it held public-fundraising status (公开募捐资格) on `date`.
  bool PublicFundraisingOn(const std::string& date) const {
    return !public_fundraising_from.empty() && public_fundraising_from <= date;
  }
  bool operator==(const OrgProfile&) const = default;
};

// A fundraising campaign or project (project.open), with its 慈善中国 filing.
struct ProjectRec {
  std::string id, name_zh, name_en, kind, fund, filing_no, start, end;
  uint64_t seq = 0;
  bool operator==(const ProjectRec&) const = default;
};

// The scope of lottery.sales measures (not a fund: its id is no valid id).
inline constexpr char kLotterySalesScope[] = "~lottery-sales";

// The Measures an entry adds to its scope while it is live, by business date
// (most entries at one date; a time-restricted donation also at its release).
std::vector<std::pair<std::string, Measures>> DatedMeasuresOf(const EntryRec& r);
// All of them summed (for totals over all dates).
Measures MeasuresOf(const EntryRec& r);

// True for inflows on the FIFO tape (donation, lottery.allocation, income,
// balance.forward) and for outflows (grant, admin_cost, cost).
bool IsInflow(EntryType type);
bool IsOutflow(EntryType type);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_RECORDS_H_
