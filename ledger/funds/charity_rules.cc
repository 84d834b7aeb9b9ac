#include "ledger/funds/charity_rules.h"

namespace ledger::funds {
namespace {

constexpr int64_t kWan = 1'000'000;  // 万元 (10,000 yuan) in fen

}  // namespace

const std::vector<SpendingTier>& SpendingTiers() {
  using B = SpendingTier::Basis;
  static const std::vector<SpendingTier> kTiers = {
      // With public-fundraising status: a share of last year's total income.
      {"foundation.public", {"foundation"}, true, 0, -1, B::kIncome, 7000, 0, 1000,
       "慈善法 2016 第六十条 (2023 第六十一条); 年度支出和管理费用的规定 第七条"},
      {"group_service.public", {"social_group", "social_service"}, true, 0, -1, B::kIncome, 7000, 0, 1300,
       "年度支出和管理费用的规定 第七条"},
      // Foundations without it: a share of last year-end net assets (Art. 8).
      {"foundation.net_assets_6000w", {"foundation"}, false, 6000 * kWan, -1, B::kNetAssets, 600, 0, 1200,
       "年度支出和管理费用的规定 第八条(一)"},
      {"foundation.net_assets_800w", {"foundation"}, false, 800 * kWan, 6000 * kWan, B::kNetAssets, 600, 0, 1300,
       "年度支出和管理费用的规定 第八条(二)"},
      {"foundation.net_assets_400w", {"foundation"}, false, 400 * kWan, 800 * kWan, B::kNetAssets, 700, 0, 1500,
       "年度支出和管理费用的规定 第八条(三)"},
      {"foundation.net_assets_under_400w", {"foundation"}, false, 0, 400 * kWan, B::kNetAssets, 800, 0, 2000,
       "年度支出和管理费用的规定 第八条(四)"},
      // Social groups and social service organisations without it (Art. 9).
      {"group_service.net_assets_1000w", {"social_group", "social_service"}, false, 1000 * kWan, -1, B::kNetAssets,
       600, 0, 1300, "年度支出和管理费用的规定 第九条(一)"},
      {"group_service.net_assets_500w", {"social_group", "social_service"}, false, 500 * kWan, 1000 * kWan,
       B::kNetAssets, 700, 0, 1400, "年度支出和管理费用的规定 第九条(二)"},
      {"group_service.net_assets_100w", {"social_group", "social_service"}, false, 100 * kWan, 500 * kWan,
       B::kNetAssets, 800, 0, 1500, "年度支出和管理费用的规定 第九条(三)"},
      {"group_service.net_assets_under_100w", {"social_group", "social_service"}, false, 0, 100 * kWan,
       B::kNetAssets, 800, 5000, 2000, "年度支出和管理费用的规定 第九条(四)"},
  };
  return kTiers;
}

const SpendingTier* FindTier(const std::string& legal_type, bool public_fundraising,
                             std::optional<int64_t> net_assets) {
  for (const SpendingTier& t : SpendingTiers()) {
    bool type_fits = false;
    for (const auto& lt : t.legal_types) type_fits |= lt == legal_type;
    if (!type_fits || t.public_fundraising != public_fundraising) continue;
    if (t.basis == SpendingTier::Basis::kIncome) return &t;
    if (!net_assets) return nullptr;
    // A band's lower bound is inside it (含本数).
    if (*net_assets >= t.net_assets_min && (t.net_assets_max < 0 || *net_assets < t.net_assets_max)) return &t;
  }
  return nullptr;
}

Deadline AnnualReportDeadline(int year) {
  const std::string next = std::to_string(year + 1);
  if (year + 1 >= 2026) return {next + "-05-31", "民政部令第81号 (2026-01-01 起)"};
  if (next + "-06-30" >= std::string("2018-09-01")) return {next + "-06-30", "慈善组织信息公开办法 (2018-09-01 起)"};
  return {std::nullopt, "慈善法 2016 第七十一条 (每年公开, 未定日期)"};
}

}  // namespace ledger::funds
