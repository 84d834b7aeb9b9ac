#include "ledger/funds/ledger.h"

#include <memory>
#include <utility>

#include "ledger/crypto/base64.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/funds/body.h"
#include "ledger/funds/compliance.h"
#include "ledger/funds/donor.h"
#include "ledger/funds/flows.h"
#include "ledger/funds/fund_views.h"
#include "ledger/funds/lottery_view.h"
#include "ledger/funds/record_codec.h"
#include "ledger/funds/trace.h"

namespace ledger::funds {

using nlohmann::json;

namespace {
constexpr size_t kMaxRememberedReceipts = 10000;
constexpr std::chrono::milliseconds kIdemWait{5000};
}  // namespace

// Requests per AppendAllAsync call in RecordAll.
constexpr size_t kRecordChunk = 256;

Result<Ledger::Prepared> Ledger::Prepare(const RecordRequest& req) const {
  LEDGER_ASSIGN_OR_RETURN(EntryType type, ParseEntryType(req.type));
  LEDGER_RETURN_IF_ERROR(CheckRole(req.actor, type));
  if (req.actor.name.empty()) return InvalidArgument("actor has no name", "actor.name");
  Prepared p;
  json body;
  if (type == EntryType::kDonation) {
    LEDGER_ASSIGN_OR_RETURN(std::string secret, crypto::RandomBytes(kDonorSecretSize));
    LEDGER_ASSIGN_OR_RETURN(body, DonationRequestToBody(req.body, secret));
    p.secret = std::move(secret);
  } else {
    body = req.body;
  }
  auto ctx = std::make_shared<DraftContext>();
  ctx->type = type;
  LEDGER_ASSIGN_OR_RETURN(ctx->body, ParseBody(type, body));
  LEDGER_ASSIGN_OR_RETURN(p.draft.body, CanonicalJson(body));
  ctx->actor = req.actor;
  ctx->idempotency_key = req.idempotency_key;
  p.draft.type = std::string(EntryTypeName(type));
  p.draft.by = req.actor.name;
  p.draft.context = std::shared_ptr<const DraftContext>(std::move(ctx));
  return p;
}

std::optional<uint64_t> Ledger::PublishedIdem(const std::string& idem_key) const {
  auto snap = sm_->Read();
  auto it = snap->idempotency.find(idem_key);
  if (it == snap->idempotency.end()) return std::nullopt;
  return it->second;
}

Result<Recorded> Ledger::Replay(uint64_t seq, const std::string& idem_key) const {
  Recorded r;
  r.seq = seq;
  LEDGER_ASSIGN_OR_RETURN(r.entry, log_->Entry(seq));
  LEDGER_ASSIGN_OR_RETURN(r.leaf_hash, log_->LeafHash(seq));
  r.replayed = true;
  std::lock_guard g(receipts_mu_);
  if (auto it = receipts_.find(idem_key); it != receipts_.end()) r.receipt = it->second;
  return r;
}

Result<Recorded> Ledger::AwaitIdem(const std::string& idem_key, const Status& refusal) const {
  auto deadline = std::chrono::steady_clock::now() + kIdemWait;
  while (true) {
    if (auto seq = PublishedIdem(idem_key)) return Replay(*seq, idem_key);
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return refusal;
    (void)sm_->WaitForSize(sm_->durable_size() + 1,
                           std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
}

void Ledger::RememberReceipt(const std::string& idem_key, const std::string& receipt) {
  std::lock_guard g(receipts_mu_);
  if (!receipts_.emplace(idem_key, receipt).second) return;
  receipt_order_.push_back(idem_key);
  if (receipt_order_.size() > kMaxRememberedReceipts) {
    receipts_.erase(receipt_order_.front());
    receipt_order_.pop_front();
  }
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
  std::vector<std::optional<std::shared_future<Result<Recorded>>>> waits(n);
  std::vector<std::optional<std::promise<Result<Recorded>>>> promises(n);
  std::vector<std::string> idem(n);
  {
    std::lock_guard g(mu_);
    for (size_t i = 0; i < n; ++i) {
      if (reqs[i].idempotency_key.empty()) continue;
      idem[i] = IdemKey(reqs[i].actor.name, reqs[i].idempotency_key);
      if (auto seq = PublishedIdem(idem[i])) {
        out[i] = Replay(*seq, idem[i]);
      } else if (auto it = pending_.find(idem[i]); it != pending_.end()) {
        waits[i] = it->second;
      } else {
        promises[i].emplace();
        pending_[idem[i]] = promises[i]->get_future().share();
      }
    }
  }

  // Requests are prepared and queued in chunks, in order: while the log
  // sequences and syncs one chunk, the next is being prepared.
  std::vector<size_t> index;
  std::vector<std::optional<std::string>> secrets;
  std::vector<std::future<std::vector<Result<tlog::Appended>>>> queued;
  std::vector<tlog::EntryDraft> drafts;
  for (size_t i = 0; i < n; ++i) {
    if (!out[i] && !waits[i]) {
      auto p = Prepare(reqs[i]);
      if (!p.ok()) {
        out[i] = p.status();
      } else {
        drafts.push_back(std::move(p->draft));
        secrets.push_back(std::move(p->secret));
        index.push_back(i);
      }
    }
    if (!drafts.empty() && (drafts.size() == kRecordChunk || i + 1 == n)) {
      queued.push_back(log_->AppendAllAsync(std::move(drafts)));
      drafts.clear();
    }
  }
  if (!queued.empty()) {
    std::vector<Result<tlog::Appended>> results;
    results.reserve(index.size());
    for (auto& f : queued) {
      for (auto& r : f.get()) results.push_back(std::move(r));
    }
    for (size_t k = 0; k < index.size(); ++k) {
      const size_t i = index[k];
      Result<tlog::Appended>& r = results[k];
      if (r.ok()) {
        Recorded rec;
        rec.seq = r->seq;
        rec.leaf_hash = r->leaf_hash;
        rec.entry = std::move(r->entry);
        if (secrets[k]) {
          rec.receipt = FormatReceiptCode(rec.seq, *secrets[k]);
          if (!idem[i].empty()) RememberReceipt(idem[i], *rec.receipt);
        }
        out[i] = std::move(rec);
      } else if (r.status().code() == Code::kAlreadyExists &&
                 r.status().rule() == "idempotency.key_reused") {
        out[i] = AwaitIdem(idem[i], r.status());
      } else {
        out[i] = r.status();
      }
    }
  }
  {
    std::lock_guard g(mu_);
    for (size_t i = 0; i < n; ++i) {
      if (!promises[i]) continue;
      promises[i]->set_value(*out[i]);
      pending_.erase(idem[i]);
    }
  }
  std::vector<Result<Recorded>> final;
  final.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (waits[i]) {
      Result<Recorded> first = waits[i]->get();
      if (first.ok()) first->replayed = true;
      out[i] = std::move(first);
    }
    final.push_back(std::move(*out[i]));
  }
  return final;
}

json Ledger::Funds() const {
  auto snap = sm_->Read();
  return FundsListJson(snap.data());
}

Result<json> Ledger::Fund(std::string_view id) const {
  auto snap = sm_->Read();
  return FundDetailJson(snap.data(), id);
}

Result<json> Ledger::Grants(std::string_view fund) const {
  auto snap = sm_->Read();
  return GrantsJson(snap.data(), fund);
}

Result<json> Ledger::Grant(std::string_view id) const {
  auto snap = sm_->Read();
  return GrantJson(snap.data(), id);
}

Result<json> Ledger::Entries(const EntriesQuery& q) const {
  Result<EntriesPage> page = [&] {
    auto snap = sm_->Read();  // released before the entries are read
    return SelectEntries(snap.data(), q);
  }();
  LEDGER_RETURN_IF_ERROR(page.status());
  return EntriesPageJson(*page, [this](uint64_t seq) -> Result<std::pair<std::string, crypto::Hash>> {
    LEDGER_ASSIGN_OR_RETURN(std::string e, log_->Entry(seq));
    LEDGER_ASSIGN_OR_RETURN(crypto::Hash h, log_->LeafHash(seq));
    return std::make_pair(std::move(e), h);
  });
}

Result<json> Ledger::Trace(uint64_t seq) const {
  auto snap = sm_->Read();
  return TraceJson(snap.data(), seq);
}

Result<ReportData> Ledger::ReportAtCheckpoint(const ReportQuery& q) const {
  uint64_t size = 0;
  crypto::Hash root = crypto::Sha256Of("");  // RFC 9162: the empty tree's root
  auto cp = log_->LatestCheckpoint();
  if (!cp.ok() && cp.status().code() == Code::kNotFound && log_->Size() > 0) {
    cp = log_->WaitForCheckpoint(log_->Size(), std::chrono::milliseconds(2000));
  }
  if (cp.ok()) {
    size = cp->size;
    root = cp->root;
  } else if (cp.status().code() != Code::kNotFound) {
    return cp.status();
  }
  if (!sm_->WaitForSize(size, std::chrono::milliseconds(5000))) {
    return Status(Code::kUnavailable, "fund state has not caught up with checkpoint " +
                                          std::to_string(size));
  }
  auto snap = sm_->Read();
  return ComputeReport(snap.data(), size, crypto::Base64Encode(crypto::AsBytes(root)), q);
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
  auto snap = sm_->Read();
  return LotteryJson(snap.data());
}

Result<json> Ledger::Compliance(int year) const {
  auto snap = sm_->Read();
  return ComplianceJson(snap.data(), year);
}

Result<json> Ledger::Flows(const std::string& from, const std::string& to) const {
  auto snap = sm_->Read();
  return FlowsJson(snap.data(), from, to);
}

}  // namespace ledger::funds
