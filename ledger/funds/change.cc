#include "ledger/funds/change.h"

#include <algorithm>
#include <map>

#include "ledger/funds/entry_types.h"
#include "ledger/funds/record_codec.h"

namespace ledger::funds {
namespace {

constexpr Grain kGrains[] = {Grain::kYear, Grain::kMonth, Grain::kDay};

// A signed Measures delta at one business date of one fund (and programme).
struct Delta {
  const EntryRec* rec;
  int sign;
};

bool GrantLevel(EntryType t) {
  return t == EntryType::kGrant || t == EntryType::kDisbursement || t == EntryType::kExpense;
}

// The index keys of an entry record (layout in record_codec.h).
std::vector<std::string> IndexKeys(const EntryRec& r) {
  const std::string type(EntryTypeName(r.type));
  const std::string tail = r.date + "/" + SeqKeyPart(r.seq);
  std::vector<std::string> keys = {DateIndexPrefix() + tail, TypeIndexPrefix(type) + tail};
  if (!r.fund.empty()) {
    keys.push_back(FundIndexPrefix(r.fund) + tail);
    keys.push_back(FundTypeIndexPrefix(r.fund, type) + tail);
  }
  if (!r.grant.empty() && r.type != EntryType::kGrant) {
    keys.push_back(GrantEntriesPrefix(r.grant) + SeqKeyPart(r.seq));
  }
  return keys;
}

}  // namespace

Status Change::Stage(tlog::StateWriter* w, HotState* hot) const {
  // 1. Reads: the per-period measures this entry (and a corrected target)
  // move, summed into their new values. A prior-period adjustment (and the
  // reversal a correction recorded after the close makes) goes to "J/".
  std::vector<Delta> deltas;
  if (rec.type != EntryType::kCorrection) deltas.push_back({&rec, +1});
  if (corrected) deltas.push_back({&*corrected, -1});
  std::map<std::string, Measures> measures;
  for (const Delta& d : deltas) {
    const std::string scope = d.rec->type == EntryType::kLotterySales ? kLotterySalesScope : d.rec->fund;
    for (const auto& [date, m] : DatedMeasuresOf(*d.rec))
    for (Grain g : kGrains) {
      const std::string period(PeriodOf(date, g));
      std::vector<std::string> keys = {
          (rec.adjustment ? AdjustmentMeasuresPrefix(scope, g) : FundMeasuresPrefix(scope, g)) + period};
      if (GrantLevel(d.rec->type)) keys.push_back(ProgrammeMeasuresPrefix(scope, d.rec->programme, g) + period);
      for (const std::string& k : keys) {
        auto it = measures.find(k);
        if (it == measures.end()) {
          auto v = w->Get(k);
          Measures cur;
          if (v.ok()) {
            LEDGER_ASSIGN_OR_RETURN(cur, DecodeMeasures(*v));
          } else if (v.status().code() != Code::kNotFound) {
            return v.status();
          }
          it = measures.emplace(k, cur).first;
        }
        it->second.Add(m, d.sign);
      }
    }
  }

  // 2. Store writes.
  for (const auto& [k, m] : measures) w->Put(k, EncodeMeasures(m));
  if (fund) {
    if (fund_opened) w->Put(FundKey(fund->id), EncodeFundInfo(*fund));
    w->Put(FundTotalsKey(fund->id), EncodeFundTotals(*fund));
  }
  if (grant) {
    w->Put(GrantKey(grant->id), EncodeGrant(*grant));
    if (rec.type == EntryType::kGrant) {
      w->Put(FundGrantsPrefix(grant->fund) + grant->award_date + "/" + grant->id, "");
      if (!grant->project.empty()) w->Put(ProjectGrantsPrefix(grant->project) + grant->award_date + "/" + grant->id, "");
    }
  }
  if (rec.type == EntryType::kDisclosure) {
    w->Put(DisclosurePrefix(rec.klass) + rec.date_to + "/" + SeqKeyPart(rec.seq), "");
    if (!rec.subject.empty()) {
      w->Put(SubjectDisclosurePrefix(rec.subject, rec.klass) + rec.date + "/" + SeqKeyPart(rec.seq), "");
    }
  }
  if (profile) w->Put(std::string(kProfilePrefix) + profile->effective_from, EncodeProfile(*profile));
  if (net_assets) w->Put(std::string(kNetAssetsPrefix) + std::to_string(net_assets->first), std::to_string(net_assets->second));
  if (closed_year) w->Put(std::string(kClosedPrefix) + std::to_string(*closed_year), std::to_string(rec.seq));
  if (project) w->Put(std::string(kProjectPrefix) + project->id, EncodeProject(*project));
  if (donation_admin) w->Put("DA/" + SeqKeyPart(donation_admin->first), std::to_string(donation_admin->second));
  w->Put(EntryKey(rec.seq), EncodeEntry(rec));
  for (const std::string& k : IndexKeys(rec)) w->Put(k, "");
  if (IsInflow(rec.type) || IsOutflow(rec.type)) {
    const TapeSide side = IsInflow(rec.type) ? TapeSide::kIn : TapeSide::kOut;
    w->Put(TapePrefix(rec.fund, side) + TapeKeyPart(rec.tape), SeqKeyPart(rec.seq));
  }
  if (corrected) {
    w->Put(EntryKey(corrected->seq), EncodeEntry(*corrected));
    if (IsInflow(corrected->type) || IsOutflow(corrected->type)) {
      const TapeSide side = IsInflow(corrected->type) ? TapeSide::kIn : TapeSide::kOut;
      w->Put(HolePrefix(corrected->fund, side) + TapeKeyPart(corrected->tape), SeqKeyPart(corrected->seq));
    }
  }
  if (lottery_set) w->Put(*lottery_set, std::to_string(rec.seq));
  if (lottery_erase) w->Delete(*lottery_erase);
  Summary summary = hot->summary;
  if (!rec.date.empty()) {
    if (summary.first_date.empty() || rec.date < summary.first_date) summary.first_date = rec.date;
    if (rec.date > summary.last_date) summary.last_date = rec.date;
  }
  if (summary != hot->summary) w->Put(kSummaryKey, EncodeSummary(summary));

  // 3. The hot state.
  if (fund) {
    if (const FundRec* old = hot->FindFund(fund->id)) hot->all.Add(old->totals, -1);
    hot->all.Add(fund->totals, +1);
    hot->funds[fund->id] = std::make_shared<const FundRec>(*fund);
  }
  hot->summary = std::move(summary);
  if (profile) hot->profiles[profile->effective_from] = *profile;
  if (net_assets) hot->net_assets[net_assets->first] = net_assets->second;
  if (closed_year) hot->closed_years[*closed_year] = rec.seq;
  return Status::Ok();
}

}  // namespace ledger::funds
