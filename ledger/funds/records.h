// The in-memory fund state: one record per fund, per grant and per entry.
//
// These are derived from the entries alone (see state.h for how they are
// kept) and are what every view reads. Amounts are int64 fen; counts and
// totals exclude entries that a correction has reversed.
#ifndef LEDGER_FUNDS_RECORDS_H_
#define LEDGER_FUNDS_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/funds/body.h"
#include "ledger/funds/entry_types.h"

namespace ledger::funds {

struct FundTotals {
  int64_t income = 0;     // donations + lottery allocations
  int64_t committed = 0;  // grants awarded
  int64_t disbursed = 0;  // paid to grantees
  int64_t used = 0;       // grantees' reported expenses
  int64_t admin_cost = 0;
  int64_t donations = 0, allocations = 0, grants = 0, disbursements = 0, expenses = 0;

  // income - disbursed - admin_cost: money the fund still holds.
  int64_t balance() const { return income - disbursed - admin_cost; }
  // income - committed - admin_cost: money not yet promised. Invariant: >= 0.
  int64_t uncommitted() const { return income - committed - admin_cost; }
  bool operator==(const FundTotals&) const = default;
};

struct FundRec {
  std::string id, name_zh, name_en, purpose;
  FundKind kind = FundKind::kCharity;
  uint64_t seq = 0;  // the fund.open entry
  FundTotals totals;
  bool operator==(const FundRec&) const = default;
};

struct GrantRec {
  std::string id, fund, recipient_id, recipient_name, title, programme, award_date;
  uint64_t seq = 0;  // the grant entry
  int64_t amount = 0, paid = 0, used = 0;  // live (uncorrected) totals
  bool corrected = false;
  std::vector<uint64_t> disbursements, expenses;  // entry seqs, ascending, incl. corrected
  bool operator==(const GrantRec&) const = default;
};

// One accepted entry, as much of it as the views need.
struct EntryRec {
  uint64_t seq = 0;
  EntryType type = EntryType::kFundOpen;
  std::string time;   // recording time, RFC 3339 UTC
  std::string fund;   // the fund it concerns (a grant's fund for grant-level entries)
  std::string grant;  // grant, disbursement, expense (and their corrections)
  int64_t amount = 0; // 0 for fund.open and correction
  // Business date: received_at, award_date, paid_at, spent_at; the first day
  // of the period for lottery.allocation and admin_cost; the recording date
  // for fund.open and correction.
  std::string date;
  std::string period;  // lottery.allocation, admin_cost
  int64_t sales = 0;   // lottery.allocation
  // donation: channel, public_name; disbursement: payment_ref;
  // expense: category, description, evidence_sha256; admin_cost: category;
  // correction: reason.
  std::string text1, text2, text3;
  uint64_t target = 0;  // correction: the corrected entry
  std::optional<uint64_t> corrected_by;
  bool operator==(const EntryRec&) const = default;

  // True when a correction at an index below `size` reversed this entry.
  bool CorrectedBefore(uint64_t size) const { return corrected_by && *corrected_by < size; }
};

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_RECORDS_H_
