#include "ledger/funds/ledger.h"

#include <utility>

#include "ledger/crypto/base64.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/funds/body.h"
#include "ledger/funds/compliance.h"
#include "ledger/funds/donor.h"
#include "ledger/funds/flows.h"
#include "ledger/funds/fund_views.h"
#include "ledger/funds/lottery_view.h"
#include "ledger/funds/trace.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

// Requests per AppendAllAsync call in RecordAll.
constexpr size_t kRecordChunk = 256;

// How long a view read waits for the state to catch up with a checkpoint.
constexpr std::chrono::milliseconds kCatchUp{5000};

}  // namespace

Result<PreparedDraft> Ledger::Prepare(const RecordRequest& req) const {
  LEDGER_ASSIGN_OR_RETURN(EntryType type, ParseEntryType(req.type));
  LEDGER_RETURN_IF_ERROR(CheckRole(req.actor, type));
  if (req.actor.name.empty()) return InvalidArgument("actor has no name", "actor.name");
  PreparedDraft p;
  json body;
  if (type == EntryType::kDonation) {
    LEDGER_ASSIGN_OR_RETURN(std::string secret, crypto::RandomBytes(kDonorSecretSize));
    LEDGER_ASSIGN_OR_RETURN(body, DonationRequestToBody(req.body, secret));
    p.secret = std::move(secret);
  } else {
    body = req.body;
  }
  LEDGER_ASSIGN_OR_RETURN(Body parsed, ParseBody(type, body));
  if (req.actor.role == Role::kGrantee) {
    // A grant's recipient never changes, so the published state decides.
    const auto* e = std::get_if<ExpenseBody>(&parsed);
    if (e == nullptr) return Internal("grantee draft that is not an expense");
    LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
    LEDGER_ASSIGN_OR_RETURN(std::optional<GrantRec> g, ReadGrant(*v.store, e->grant));
    if (!g) return NotFound("expense names grant " + e->grant + ", which does not exist");
    if (g->recipient_id != req.actor.org) {
      return Status(Code::kPermissionDenied,
                    "grantee of organisation " + req.actor.org + " may not record expenses on grant " + g->id +
                        " of another organisation",
                    "expense.own_grant");
    }
  }
  LEDGER_ASSIGN_OR_RETURN(p.draft.body, CanonicalJson(body));
  p.draft.type = std::string(EntryTypeName(type));
  p.draft.by = req.actor.name;
  if (!req.idempotency_key.empty()) {
    if (req.actor.token_id.empty()) return Internal("an idempotency key needs the actor's token id");
    // Scope: the token; the request: its type and body as sent (a donation's
    // secret is drawn afresh each time, so the request, not the entry).
    LEDGER_ASSIGN_OR_RETURN(std::string request_body, CanonicalJson(req.body));
    tlog::IdempotencyKey k;
    k.key = "token/" + req.actor.token_id + "/" + req.idempotency_key;
    k.request = crypto::Sha256Of(p.draft.type + "\n" + request_body);
    if (p.secret) k.payload = *p.secret;
    p.draft.idempotency = std::move(k);
  }
  return p;
}

Recorded Ledger::ToRecorded(tlog::Appended a, const std::optional<std::string>& secret) {
  Recorded rec;
  rec.seq = a.seq;
  rec.leaf_hash = a.leaf_hash;
  rec.entry = std::move(a.entry);
  rec.replayed = a.replayed;
  // A replay answers with the secret stored with the first append.
  const std::optional<std::string> s = a.replayed ? (a.payload.empty() ? std::nullopt : std::optional(a.payload)) : secret;
  if (s) rec.receipt = FormatReceiptCode(rec.seq, *s);
  return rec;
}

Result<Recorded> Ledger::Record(const Actor& actor, std::string_view type, const json& body,
                                std::string_view idempotency_key) {
  std::vector<RecordRequest> v;
  v.push_back(RecordRequest{actor, std::string(type), body, std::string(idempotency_key)});
  return std::move(RecordAll(std::move(v))[0]);
}

std::vector<Result<Recorded>> Ledger::RecordAll(std::vector<RecordRequest> reqs) {
  const size_t n = reqs.size();
  std::vector<std::optional<Result<Recorded>>> out(n);
  // Requests are prepared and queued in chunks, in order: while the log
  // sequences and syncs one chunk, the next is being prepared.
  std::vector<size_t> index;
  std::vector<std::optional<std::string>> secrets;
  std::vector<tlog::PendingAppends> queued;
  std::vector<tlog::EntryDraft> drafts;
  for (size_t i = 0; i < n; ++i) {
    auto p = Prepare(reqs[i]);
    if (!p.ok()) {
      out[i] = p.status();
    } else {
      drafts.push_back(std::move(p->draft));
      secrets.push_back(std::move(p->secret));
      index.push_back(i);
    }
    if (!drafts.empty() && (drafts.size() == kRecordChunk || i + 1 == n)) {
      queued.push_back(log_->AppendAllAsync(std::move(drafts)));
      drafts.clear();
    }
  }
  size_t k = 0;
  for (auto& f : queued) {
    for (auto& r : f.get()) {
      const size_t i = index[k];
      if (r.ok()) out[i] = ToRecorded(std::move(*r), secrets[k]);
      else out[i] = r.status();
      ++k;
    }
  }
  std::vector<Result<Recorded>> final;
  final.reserve(n);
  for (auto& o : out) final.push_back(std::move(*o));
  return final;
}

Ledger::GroupOutcome Ledger::RecordAtomic(const std::vector<RecordRequest>& requests, bool dry_run,
                                          std::string_view group_key) {
  GroupOutcome out;
  const size_t n = requests.size();
  out.rows.assign(n, Status(Code::kInternal, "not prepared"));
  std::vector<PreparedDraft> prepared(n);
  std::vector<size_t> sent;  // rows that reach the log
  bool prepared_all = n > 0;
  crypto::Sha256 group;  // binds every row's key to the whole group
  for (size_t i = 0; i < n; ++i) {
    RecordRequest req = requests[i];
    if (!group_key.empty()) req.idempotency_key = std::string(group_key) + "/" + std::to_string(i);
    auto p = Prepare(req);
    if (!p.ok()) {
      out.rows[i] = p.status();
      prepared_all = false;
      continue;
    }
    if (p->draft.idempotency) group.Update(crypto::AsBytes(p->draft.idempotency->request));
    prepared[i] = std::move(*p);
    sent.push_back(i);
  }
  const crypto::Hash group_hash = group.Finish();
  std::vector<tlog::EntryDraft> drafts;
  for (size_t i : sent) {
    tlog::EntryDraft d = prepared[i].draft;
    if (d.idempotency) {
      d.idempotency->request = crypto::Sha256Of(std::string(crypto::AsBytes(group_hash)) +
                                                std::string(crypto::AsBytes(d.idempotency->request)));
    }
    drafts.push_back(std::move(d));
  }
  // A group with a bad row is still validated (as a dry run), so that the
  // answer names every bad row at once.
  tlog::Log::AtomicResult r = log_->AppendAtomic(std::move(drafts), dry_run || !prepared_all);
  for (size_t k = 0; k < sent.size(); ++k) {
    const size_t i = sent[k];
    if (r.drafts[k].ok()) out.rows[i] = ToRecorded(std::move(*r.drafts[k]), prepared[i].secret);
    else out.rows[i] = r.drafts[k].status();
  }
  out.ok = prepared_all && r.ok;
  return out;
}

Result<FundsView> Ledger::View() const {
  FundsView v = sm_->View();
  if (v.store == nullptr) return Status(Code::kUnavailable, "the fund state is not loaded");
  return v;
}

Result<Ledger::Anchored> Ledger::ViewAtCheckpoint() const {
  auto cp = log_->LatestCheckpoint();
  if (!cp.ok() && cp.status().code() == Code::kNotFound && log_->Size() > 0) {
    cp = log_->WaitForCheckpoint(log_->Size(), kCatchUp);
  }
  if (!cp.ok()) {
    if (cp.status().code() != Code::kNotFound) return cp.status();
    // No checkpoint yet: the empty tree.
    LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
    if (v.size > 0) return Status(Code::kUnavailable, "no checkpoint covers the ledger yet");
    return Anchored{std::move(v), crypto::Base64Encode(crypto::AsBytes(crypto::Sha256Of("")))};
  }
  if (!sm_->WaitForSize(cp->size, kCatchUp)) {
    return Status(Code::kUnavailable, "fund state has not caught up with checkpoint " + std::to_string(cp->size));
  }
  if (auto v = sm_->ViewAt(cp->size); v && v->store != nullptr) {
    return Anchored{std::move(*v), crypto::Base64Encode(crypto::AsBytes(cp->root))};
  }
  // The checkpoint's view is gone (a quiet ledger keeps only its newest
  // views): use the newest, whose tree a newer checkpoint covers soon.
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  LEDGER_RETURN_IF_ERROR(log_->WaitForCheckpoint(v.size, kCatchUp).status());
  LEDGER_ASSIGN_OR_RETURN(crypto::Hash root, log_->Root(v.size));
  return Anchored{std::move(v), crypto::Base64Encode(crypto::AsBytes(root))};
}

json Ledger::Funds() const {
  auto v = View();
  if (!v.ok()) return json{{"tree_size", 0}, {"funds", json::array()}};
  return FundsListJson(*v);
}

Result<json> Ledger::Organisation() const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return OrganisationJson(v);
}

Result<json> Ledger::Fund(std::string_view id) const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return FundDetailJson(v, id);
}

Result<json> Ledger::Grants(std::string_view fund) const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return GrantsJson(v, fund);
}

Result<json> Ledger::Grant(std::string_view id) const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return GrantJson(v, id, [this](uint64_t s) { return EntryBytes(s); });
}

Result<json> Ledger::Entries(const EntriesQuery& q) const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  LEDGER_ASSIGN_OR_RETURN(EntriesPage page, SelectEntries(v, q));
  return EntriesPageJson(v, page, [this](uint64_t seq) -> Result<std::pair<std::string, crypto::Hash>> {
    LEDGER_ASSIGN_OR_RETURN(std::string e, log_->Entry(seq));
    LEDGER_ASSIGN_OR_RETURN(crypto::Hash h, log_->LeafHash(seq));
    return std::make_pair(std::move(e), h);
  });
}

Result<json> Ledger::Trace(uint64_t seq) const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return TraceJson(v, seq, [this](uint64_t s) { return EntryBytes(s); });
}

Result<ReportData> Ledger::ReportAtCheckpoint(const ReportQuery& q) const {
  LEDGER_ASSIGN_OR_RETURN(Anchored a, ViewAtCheckpoint());
  return ComputeReport(a.view, a.root, q);
}

Result<json> Ledger::Report(const ReportQuery& q) const {
  LEDGER_ASSIGN_OR_RETURN(ReportData r, ReportAtCheckpoint(q));
  return ReportJson(r);
}

Result<std::string> Ledger::ReportCsv(const ReportQuery& q) const {
  LEDGER_ASSIGN_OR_RETURN(ReportData r, ReportAtCheckpoint(q));
  return funds::ReportCsv(r);
}

Result<json> Ledger::Lottery() const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return LotteryJson(v);
}

Result<json> Ledger::LotteryAnnouncement(int year) const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return LotteryAnnouncementJson(v, year);
}

Result<json> Ledger::Compliance(int year) const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return ComplianceJson(v, year);
}

Result<json> Ledger::Flows(const std::string& from, const std::string& to) const {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, View());
  return FlowsJson(v, from, to);
}

}  // namespace ledger::funds
