// The charity-law limits and deadlines the compliance view applies, as data
// with their legal source and the date they took effect (docs/rules.md has
// the same table for readers). Nothing here reads the ledger.
//
// Sources:
//   [CL2016] 中华人民共和国慈善法 (2016-09-01), Art. 60 (spending and admin of
//            foundations with public-fundraising status), Art. 71-72
//            (annual reports; projects over six months); revised 2023,
//            effective 2024-09-05: Art. 61 and 77 (same rules, renumbered).
//   [R2016]  关于慈善组织开展慈善活动年度支出和管理费用的规定 (民政部 财政部
//            国家税务总局, 2016): Art. 4 (charitable spending), Art. 7-9 (the
//            tiers), Art. 10 (adjusted income; three-year averages), Art. 11
//            (no admin ratio under 200,000 yuan of admin cost), Art. 12
//            (a missed admin limit is reported and explained publicly).
//   [M2018]  慈善组织信息公开办法 (民政部令第61号, effective 2018-09-01).
//   [M2026]  民政部令第81号 (effective 2026-01-01): annual reports on 慈善中国
//            by 31 May.
//
// Thread-safe: constant data and pure functions.
#ifndef LEDGER_FUNDS_CHARITY_RULES_H_
#define LEDGER_FUNDS_CHARITY_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ledger::funds {

// A spending/admin tier (R2016 Art. 7-9). Amounts in fen; ratios in basis
// points. A tier applies to an organisation of one of `legal_types` with or
// without public-fundraising status and, for the net-asset tiers, last
// year-end net assets in [net_assets_min, net_assets_max).
struct SpendingTier {
  const char* id;
  std::vector<std::string> legal_types;
  bool public_fundraising;
  int64_t net_assets_min, net_assets_max;  // fen; max < 0: no upper bound
  // Minimum charitable spending: of the previous year's (adjusted) total
  // income, or of last year-end net assets.
  enum class Basis { kIncome, kNetAssets } basis;
  int64_t spending_min_bp;
  int64_t income_floor_bp;  // besides a net-asset floor, also this much of last year's income; 0: none
  int64_t admin_max_bp;     // of the year's total spending
  const char* source;
};

const std::vector<SpendingTier>& SpendingTiers();
// The tier for an organisation; nullopt when none fits (no profile, or a
// net-asset tier without the net assets on record).
const SpendingTier* FindTier(const std::string& legal_type, bool public_fundraising, std::optional<int64_t> net_assets);

// R2016 Art. 11: below this admin cost (fen) no admin ratio applies.
inline constexpr int64_t kAdminRatioExemptBelowFen = 20'000'000;  // 200,000 yuan

// The first year whose spending and admin cost are judged against R2016
// (in force for the whole year's accounts from 2016, the year the Charity
// Law took effect).
inline constexpr int kSpendingRulesFirstYear = 2016;

// The date by which the annual work and financial report of `year` is due,
// and the rule that sets it: 31 May under M2026 (reports due from 2026), 30
// June under M2018 (reports due from 2018-09-01 to 2025); before that the
// Charity Law asks for a yearly report without a date (nullopt due).
struct Deadline {
  std::optional<std::string> due;  // YYYY-MM-DD
  const char* source;
};
Deadline AnnualReportDeadline(int year);

// Projects and campaigns running over six months disclose progress at
// least every three months and their results within three months of the
// end (CL2016 Art. 72 / 2023 Art. 77), for organisations with
// public-fundraising status, from the Charity Law's date.
inline constexpr char kProjectRulesFrom[] = "2016-09-01";
inline constexpr char kProjectRulesSource[] = "慈善法 2016 第七十二条 / 2023 第七十七条";

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_CHARITY_RULES_H_
