#include "ledger/funds/fund_views.h"

#include "ledger/funds/record_codec.h"
#include "ledger/funds/report.h"

namespace ledger::funds {

using nlohmann::json;

json FundJson(const FundRec& f) {
  const Measures& t = f.totals;
  return json{{"id", f.id},
              {"name", {{"zh", f.name_zh}, {"en", f.name_en}}},
              {"purpose", f.purpose},
              {"kind", FundKindName(f.kind)},
              {"seq", f.seq},
              {"opened_on", f.opened_on},
              {"income", t.income()},
              {"committed", t.granted},
              {"disbursed", t.disbursed},
              {"used", t.used},
              {"admin_cost", t.admin_cost},
              {"balance", f.balance()},
              {"uncommitted", f.uncommitted()},
              {"counts",
               {{"donations", t.n_donations},
                {"allocations", t.n_allocations},
                {"grants", t.n_grants},
                {"disbursements", t.n_disbursements},
                {"expenses", t.n_expenses}}},
              {"detail", MeasuresJson(t)}};
}

json FundsListJson(const FundsView& v) {
  json funds = json::array();
  for (const auto& [id, f] : v.hot->funds) funds.push_back(FundJson(*f));
  return json{{"tree_size", v.size}, {"funds", std::move(funds)}};
}

json GrantSummaryJson(const GrantRec& g) {
  return json{{"id", g.id},
              {"fund", g.fund},
              {"title", g.title},
              {"recipient", {{"id", g.recipient_id}, {"name", g.recipient_name}}},
              {"programme", g.programme.empty() ? json(nullptr) : json(g.programme)},
              {"amount", g.amount},
              {"paid", g.paid},
              {"used", g.used},
              {"award_date", g.award_date},
              {"project", g.project.empty() ? json(nullptr) : json(g.project)},
              {"beneficiaries", {{"households", g.households}, {"persons", g.persons}}},
              {"corrected", g.corrected}};
}

Result<json> GrantsJson(const FundsView& v, std::string_view fund) {
  json grants = json::array();
  Status err;
  auto add = [&](std::string_view id) {
    auto g = v.Grant(id);
    if (!g.ok()) {
      err = g.status().code() == Code::kNotFound ? Internal("index names a missing grant") : g.status();
      return false;
    }
    grants.push_back(GrantSummaryJson(*g));
    return true;
  };
  if (fund.empty()) {
    LEDGER_RETURN_IF_ERROR(v.store->Scan(kGrantPrefix, {}, [&](std::string_view k, std::string_view) {
      return add(k.substr(kGrantPrefix.size()));
    }));
  } else {
    if (v.FindFund(fund) == nullptr) return NotFound("no fund " + std::string(fund));
    // "X/gf/<fund>/<award date>/<grant>"
    const std::string prefix = FundGrantsPrefix(fund);
    LEDGER_RETURN_IF_ERROR(v.store->Scan(prefix, {}, [&](std::string_view k, std::string_view) {
      return add(k.substr(prefix.size() + 11));
    }));
  }
  LEDGER_RETURN_IF_ERROR(err);
  return json{{"grants", std::move(grants)}};
}

Result<json> FundDetailJson(const FundsView& v, std::string_view id) {
  const FundRec* f = v.FindFund(id);
  if (f == nullptr) return NotFound("no fund " + std::string(id));
  json out = FundJson(*f);
  LEDGER_ASSIGN_OR_RETURN(json grants, GrantsJson(v, id));
  out["grants"] = std::move(grants["grants"]);
  out["tree_size"] = v.size;
  return out;
}

Result<json> GrantJson(const FundsView& v, std::string_view id, const EntryBytes& entry) {
  LEDGER_ASSIGN_OR_RETURN(GrantRec g, v.Grant(id));
  json out = GrantSummaryJson(g);
  out["seq"] = g.seq;
  json disb = json::array(), exp = json::array();
  Status err;
  LEDGER_RETURN_IF_ERROR(ScanIndex(*v.store, GrantEntriesPrefix(g.id), {}, false, [&](std::string_view, uint64_t seq) {
    auto rec = v.Entry(seq);
    auto bytes = rec.ok() ? entry(seq) : Result<std::string>(rec.status());
    if (!bytes.ok()) {
      err = bytes.status();
      return false;
    }
    if (rec->type != EntryType::kDisbursement && rec->type != EntryType::kExpense) return true;
    json body = json::parse(*bytes, nullptr, false);
    if (body.is_discarded() || !body.contains("body")) {
      err = Corruption("entry " + std::to_string(seq) + " is not JSON");
      return false;
    }
    const json& b = body["body"];
    const bool corrected = rec->CorrectedBefore(v.size);
    if (rec->type == EntryType::kDisbursement) {
      disb.push_back({{"seq", seq},
                      {"amount", rec->amount},
                      {"paid_at", rec->date},
                      {"payment_ref", b.value("payment_ref", "")},
                      {"beneficiaries", {{"households", rec->households}, {"persons", rec->persons}}},
                      {"area", rec->klass.empty() ? json(nullptr) : json(rec->klass)},
                      {"corrected", corrected}});
    } else {
      exp.push_back({{"seq", seq},
                     {"amount", rec->amount},
                     {"category", b.value("category", "")},
                     {"description", b.value("description", "")},
                     {"evidence_sha256", b.value("evidence_sha256", "")},
                     {"spent_at", rec->date},
                     {"corrected", corrected}});
    }
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  out["disbursements"] = std::move(disb);
  out["expenses"] = std::move(exp);
  out["tree_size"] = v.size;
  return out;
}

json OrganisationJson(const FundsView& v) {
  auto profile_json = [](const OrgProfile& p) {
    return json{{"name", {{"zh", p.name_zh}, {"en", p.name_en}}},
                {"legal_type", p.legal_type},
                {"effective_from", p.effective_from},
                {"public_fundraising_from", p.public_fundraising_from.empty() ? json(nullptr) : json(p.public_fundraising_from)},
                {"uscc", p.uscc.empty() ? json(nullptr) : json(p.uscc)},
                {"sample_data", p.sample_data},
                {"seq", p.seq}};
  };
  json profiles = json::array();
  for (const auto& [from, p] : v.hot->profiles) profiles.push_back(profile_json(p));
  const OrgProfile* now = v.hot->profiles.empty() ? nullptr : &v.hot->profiles.rbegin()->second;
  json net_assets = json::object();
  for (const auto& [year, fen] : v.hot->net_assets) net_assets[std::to_string(year)] = fen;
  json closed = json::object();
  for (const auto& [year, seq] : v.hot->closed_years) closed[std::to_string(year)] = seq;
  return json{{"current", now ? profile_json(*now) : json(nullptr)},
              {"profiles", std::move(profiles)},
              {"net_assets", std::move(net_assets)},
              {"closed_years", std::move(closed)},
              {"sample_data", now != nullptr && now->sample_data},
              {"tree_size", v.size}};
}

}  // namespace ledger::funds
