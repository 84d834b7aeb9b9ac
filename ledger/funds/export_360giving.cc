#include "ledger/funds/export_360giving.h"

#include <algorithm>
#include <vector>

#include "ledger/base/csv.h"
#include "ledger/funds/record_codec.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

struct Payment {
  uint64_t seq = 0;
  int64_t amount = 0;
  std::string paid_at, recorded, area;
};

// One live grant with what the export needs of it.
struct GrantFigures {
  GrantRec g;
  const FundRec* fund = nullptr;
  const IndividualsRule* individuals = nullptr;  // null: a grant to an organisation
  std::vector<Payment> payments;                 // live disbursements, by seq
  std::vector<std::string> areas;                // distinct, in payment order
};

struct Export {
  const OrgProfile* profile = nullptr;
  std::string funder_id;
  std::vector<GrantFigures> grants;
};

Status ReadPayments(const FundsView& v, GrantFigures* f) {
  Status err;
  LEDGER_RETURN_IF_ERROR(
      ScanIndex(*v.store, GrantEntriesPrefix(f->g.id), {}, false, [&](std::string_view, uint64_t seq) {
        auto rec = v.Entry(seq);
        if (!rec.ok()) {
          err = rec.status();
          return false;
        }
        if (rec->type != EntryType::kDisbursement || rec->CorrectedBefore(v.size)) return true;
        f->payments.push_back(Payment{seq, rec->amount, rec->date, rec->time, rec->klass});
        if (!rec->klass.empty() &&
            std::find(f->areas.begin(), f->areas.end(), rec->klass) == f->areas.end()) {
          f->areas.push_back(rec->klass);
        }
        return true;
      }));
  LEDGER_RETURN_IF_ERROR(err);
  int64_t sum = 0;
  for (const Payment& p : f->payments) sum += p.amount;
  if (sum != f->g.paid) {
    return Internal("grant " + f->g.id + ": its live disbursements add up to " + std::to_string(sum) +
                    " fen, its record says " + std::to_string(f->g.paid));
  }
  return Status::Ok();
}

Result<Export> Collect(const FundsView& v, const ExportAnchor& a, const GivingSettings& s) {
  if (a.tree_size != v.size) return Internal("export anchored to another tree size than its view");
  Export out;
  if (v.hot->profiles.empty()) {
    return FailedPrecondition(
        "the 360Giving export names the funder from the organisation profile: no org.profile entry is "
        "recorded",
        "giving.profile");
  }
  out.profile = &v.hot->profiles.rbegin()->second;
  out.funder_id = FunderIdentifier(s, *out.profile);
  for (const IndividualsRule& r : s.individuals) {
    if (v.FindFund(r.fund) == nullptr) {
      return FailedPrecondition("the 360Giving settings name fund '" + r.fund +
                                    "' for grants to individuals, which the ledger does not have",
                                "giving.settings_fund");
    }
  }
  Status err;
  LEDGER_RETURN_IF_ERROR(v.store->Scan(kGrantPrefix, {}, [&](std::string_view, std::string_view val) {
    auto g = DecodeGrant(val);
    if (!g.ok()) {
      err = g.status();
      return false;
    }
    if (g->corrected) return true;
    GrantFigures f;
    f.fund = v.FindFund(g->fund);
    if (f.fund == nullptr) {
      err = Internal("grant " + g->id + " names an unknown fund");
      return false;
    }
    f.g = std::move(*g);
    f.individuals = s.IndividualsRuleFor(f.g.fund, f.g.programme);
    out.grants.push_back(std::move(f));
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  if (out.grants.empty())
    return NotFound("the ledger has no live grant yet: a 360Giving package holds at least one");
  std::sort(out.grants.begin(), out.grants.end(),
            [](const GrantFigures& x, const GrantFigures& y) { return x.g.seq < y.g.seq; });
  for (GrantFigures& f : out.grants) LEDGER_RETURN_IF_ERROR(ReadPayments(v, &f));
  return out;
}

std::string Description(const GrantFigures& f) {
  std::string s = f.g.title + " (" + f.fund->name_zh + " / " + f.fund->name_en;
  if (!f.g.programme.empty()) s += "; programme " + f.g.programme;
  return s + ")";
}

std::string RecipientIdentifier(const GivingSettings& s, const GrantFigures& f) {
  return f.individuals ? IndividualIdentifier(s, f.g.recipient_id)
                       : OrganisationIdentifier(s, f.g.recipient_id);
}

json Funder(const Export& e, const GrantFigures& f) {
  json o{{"id", e.funder_id}, {"name", e.profile->name_zh}, {"department", f.fund->name_zh}};
  if (!e.profile->name_en.empty() && e.profile->name_en != e.profile->name_zh)
    o["alternateName"] = e.profile->name_en;
  return o;
}

Result<json> GrantJson(const Export& e, const GrantFigures& f, const ExportAnchor& a,
                       const GivingSettings& s) {
  const GrantRec& g = f.g;
  const std::string id = GrantIdentifier(s, g.id);
  const std::string recipient = RecipientIdentifier(s, f);
  LEDGER_ASSIGN_OR_RETURN(double awarded, YuanNumber(g.amount));
  LEDGER_ASSIGN_OR_RETURN(double disbursed, YuanNumber(g.paid));
  json j{{"id", id},
         {"title", g.title},
         {"description", Description(f)},
         {"currency", "CNY"},
         {"amountAwarded", awarded},
         {"amountDisbursed", disbursed},
         {"awardDate", g.award_date},
         {"fundingOrganization", json::array({Funder(e, f)})},
         {"dateModified", g.modified},
         {"ledgerIndex",
          {{"origin", a.origin},
           {"seq", g.seq},
           {"treeSize", a.tree_size},
           {"root", a.root},
           {"amountAwardedFen", g.amount},
           {"amountDisbursedFen", g.paid},
           {"amountUsedFen", g.used}}}};
  if (f.individuals) {
    j["recipientIndividual"] = {{"id", recipient}, {"name", kIndividualRecipientName}};
    json d{{"primaryGrantReason", f.individuals->primary_reason}};
    if (f.individuals->secondary_reason) d["secondaryGrantReason"] = *f.individuals->secondary_reason;
    if (!f.individuals->purpose.empty()) d["grantPurpose"] = f.individuals->purpose;
    j["toIndividualsDetails"] = std::move(d);
  } else {
    j["recipientOrganization"] = json::array({{{"id", recipient}, {"name", g.recipient_name}}});
  }
  if (!f.areas.empty()) {
    json locs = json::array();
    for (const std::string& area : f.areas) locs.push_back({{"name", area}, {"countryCode", "CN"}});
    j["beneficiaryLocation"] = std::move(locs);
  }
  if (!g.programme.empty())
    j["grantProgramme"] = json::array({{{"code", g.programme}, {"title", g.programme}}});
  if (!f.payments.empty()) {
    json txs = json::array();
    for (const Payment& p : f.payments) {
      LEDGER_ASSIGN_OR_RETURN(double value, YuanNumber(p.amount));
      txs.push_back({{"id", id + "-" + std::to_string(p.seq)},
                     {"transactionDate", p.paid_at},
                     {"currency", "CNY"},
                     {"value", value},
                     {"provider", e.funder_id},
                     {"recipient", recipient},
                     {"dateModified", p.recorded}});
    }
    j["disbursementTransaction"] = std::move(txs);
  }
  if (!s.data_source.empty()) j["dataSource"] = s.data_source;
  return j;
}

}  // namespace

std::string GrantIdentifier(const GivingSettings& s, const std::string& grant_id) {
  return s.prefix + "-" + grant_id;
}
std::string OrganisationIdentifier(const GivingSettings& s, const std::string& recipient_id) {
  return s.prefix + "-ORG-" + recipient_id;
}
std::string IndividualIdentifier(const GivingSettings& s, const std::string& recipient_id) {
  return s.prefix + "-IND-" + recipient_id;
}
std::string FunderIdentifier(const GivingSettings& s, const OrgProfile& profile) {
  return profile.uscc.empty() ? s.prefix : "CN-USCI-" + profile.uscc;
}

Result<json> Export360GivingJson(const FundsView& v, const ExportAnchor& a, const GivingSettings& s) {
  LEDGER_ASSIGN_OR_RETURN(Export e, Collect(v, a, s));
  json grants = json::array();
  for (const GrantFigures& f : e.grants) {
    LEDGER_ASSIGN_OR_RETURN(json g, GrantJson(e, f, a, s));
    grants.push_back(std::move(g));
  }
  const OrgProfile& p = *e.profile;
  std::string description =
      "Grants recorded in the transparency ledger " + a.origin + " as of tree size " +
      std::to_string(a.tree_size) + " (root " + a.root +
      "); each grant's ledgerIndex names the entry whose inclusion proof the log serves. "
      "账本 " +
      a.origin + " 中记录的资助，截至树大小 " + std::to_string(a.tree_size) + "。";
  if (p.sample_data) {
    description =
        "示例数据：虚构的机构与金额，不是真实资助 / sample data: a fictional organisation and amounts, "
        "not real grants. " +
        description;
  }
  json publisher{{"name", p.name_zh}, {"identifier", e.funder_id}};
  if (!s.publisher_website.empty()) publisher["website"] = s.publisher_website;
  if (!s.publisher_logo.empty()) publisher["logo"] = s.publisher_logo;
  return json{{"version", k360GivingVersion},
              {"license", s.license},
              {"title", p.name_zh + " 资助数据 / " + (p.name_en.empty() ? p.name_zh : p.name_en) + " grants"},
              {"description", std::move(description)},
              {"identifier", s.prefix + "-tree-" + std::to_string(a.tree_size)},
              {"publisher", std::move(publisher)},
              {"grants", std::move(grants)}};
}

Result<std::string> Export360GivingText(const FundsView& v, const ExportAnchor& a, const GivingSettings& s,
                                        int indent) {
  LEDGER_ASSIGN_OR_RETURN(json j, Export360GivingJson(v, a, s));
  return DumpWithYuan(j, indent);
}

Result<std::string> Export360GivingCsv(const FundsView& v, const ExportAnchor& a, const GivingSettings& s) {
  LEDGER_ASSIGN_OR_RETURN(Export e, Collect(v, a, s));
  std::string out =
      "Identifier,Title,Description,Currency,Amount Awarded,Amount Disbursed,Award Date,"
      "Recipient Org:Identifier,Recipient Org:Name,Recipient Ind:Identifier,Recipient Ind:Name,"
      "To Individuals Details:Primary Grant Reason,To Individuals Details:Secondary Grant Reason,"
      "To Individuals Details:Grant Purpose,Beneficiary Location:Name,Beneficiary Location:Country Code,"
      "Funding Org:Identifier,Funding Org:Name,Funding Org:Alternate Name,Funding Org:Department,"
      "Grant Programme:Code,Grant Programme:Title,Last Modified,Data Source,Ledger Index:Origin,"
      "Ledger Index:Seq,Ledger Index:Tree Size,Ledger Index:Root\r\n";
  const OrgProfile& p = *e.profile;
  const std::string alternate = p.name_en != p.name_zh ? p.name_en : "";
  for (const GrantFigures& f : e.grants) {
    const GrantRec& g = f.g;
    const std::string recipient = RecipientIdentifier(s, f);
    std::string reason, secondary, purpose;
    if (f.individuals) {
      reason = f.individuals->primary_reason;
      secondary = f.individuals->secondary_reason.value_or("");
      for (const std::string& code : f.individuals->purpose) purpose += (purpose.empty() ? "" : ";") + code;
    }
    const bool one_area = f.areas.size() == 1;
    std::vector<std::string> cols = {GrantIdentifier(s, g.id),
                                     g.title,
                                     Description(f),
                                     "CNY",
                                     FenToYuan(g.amount),
                                     FenToYuan(g.paid),
                                     g.award_date,
                                     f.individuals ? "" : recipient,
                                     f.individuals ? "" : g.recipient_name,
                                     f.individuals ? recipient : "",
                                     f.individuals ? kIndividualRecipientName : "",
                                     reason,
                                     secondary,
                                     purpose,
                                     one_area ? f.areas[0] : "",
                                     one_area ? "CN" : "",
                                     e.funder_id,
                                     p.name_zh,
                                     alternate,
                                     f.fund->name_zh,
                                     g.programme,
                                     g.programme,
                                     g.modified,
                                     s.data_source,
                                     a.origin,
                                     std::to_string(g.seq),
                                     std::to_string(a.tree_size),
                                     a.root};
    csv::AppendRow(&out, cols);
  }
  return out;
}

Result<std::string> Export360GivingAtCheckpoint(const Ledger& ledger, const GivingSettings& settings,
                                                ExportFormat format, int indent, ExportAnchor* anchor) {
  LEDGER_ASSIGN_OR_RETURN(Ledger::Anchored anchored, ledger.ViewAtCheckpoint());
  ExportAnchor a;
  a.origin = ledger.log()->origin();
  a.tree_size = anchored.view.size;
  a.root = anchored.root;
  if (anchor != nullptr) *anchor = a;
  return format == ExportFormat::kCsv ? Export360GivingCsv(anchored.view, a, settings)
                                      : Export360GivingText(anchored.view, a, settings, indent);
}

}  // namespace ledger::funds
