#include "ledger/funds/entries_view.h"

#include "ledger/crypto/base64.h"
#include "ledger/funds/body.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/entry_types.h"
#include "ledger/funds/record_codec.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

Status BadCursor() { return InvalidArgument("cursor is not one this query gave", "entries.cursor"); }

}  // namespace

Result<EntriesPage> SelectEntries(const FundsView& v, const EntriesQuery& q) {
  if (q.limit < 1 || q.limit > kMaxEntriesLimit) {
    return InvalidArgument("limit must be 1.." + std::to_string(kMaxEntriesLimit), "entries.limit");
  }
  if (!q.type.empty()) LEDGER_RETURN_IF_ERROR(ParseEntryType(q.type).status());
  if (!q.fund.empty() && !IsValidId(q.fund)) return InvalidArgument("bad fund id", "entries.fund");
  if ((!q.from.empty() && !IsIsoDate(q.from)) || (!q.to.empty() && !IsIsoDate(q.to))) {
    return InvalidArgument("from and to must be calendar dates YYYY-MM-DD", "entries.dates");
  }
  const bool by_date = !q.from.empty() || !q.to.empty() || !q.type.empty() || !q.fund.empty();
  EntriesPage page;

  if (!by_date) {
    // Recording order: the log's own indices, no store reads at all.
    uint64_t next;
    if (q.cursor.empty()) {
      next = q.descending ? v.size : 0;
    } else if (q.cursor.size() != 16 || !SeqFromKeyTail(q.cursor, &next)) {
      return BadCursor();
    } else if (!q.descending) {
      ++next;
    }
    for (int i = 0; i < q.limit; ++i) {
      if (q.descending ? next == 0 : next >= v.size) break;
      page.seqs.push_back(q.descending ? --next : next++);
    }
    const bool more = q.descending ? next > 0 : next < v.size;
    if (more && !page.seqs.empty()) page.next_cursor = SeqKeyPart(page.seqs.back());
    return page;
  }

  // Business-date order over the narrowest index. Keys end "<date>/<seq>".
  std::string prefix;
  if (!q.fund.empty() && !q.type.empty()) prefix = FundTypeIndexPrefix(q.fund, q.type);
  else if (!q.fund.empty()) prefix = FundIndexPrefix(q.fund);
  else if (!q.type.empty()) prefix = TypeIndexPrefix(q.type);
  else prefix = DateIndexPrefix();
  std::string start;
  if (!q.cursor.empty()) {
    uint64_t seq;
    if (q.cursor.size() != 27 || q.cursor[10] != '.' || !IsIsoDate(q.cursor.substr(0, 10)) ||
        !SeqFromKeyTail(q.cursor, &seq)) {
      return BadCursor();
    }
    // Start just past the cursor's own key.
    const std::string at = prefix + q.cursor.substr(0, 10) + "/" + q.cursor.substr(11);
    start = q.descending ? at : at + '\0';
    if (q.descending) {
      // ScanBack starts at the last key <= start: step below the cursor.
      if (seq == 0) start = prefix + q.cursor.substr(0, 10) + "/";
      else start = prefix + q.cursor.substr(0, 10) + "/" + SeqKeyPart(seq - 1);
    }
  } else if (q.descending) {
    start = q.to.empty() ? std::string() : prefix + q.to + "/g";  // 'g' sorts after every hex digit
  } else {
    start = q.from.empty() ? std::string() : prefix + q.from;
  }
  std::string last_date;
  bool more = false;
  LEDGER_RETURN_IF_ERROR(ScanIndex(*v.store, prefix, start, q.descending, [&](std::string_view k, uint64_t seq) {
    std::string_view date = k.substr(prefix.size(), 10);
    if (!q.from.empty() && date < q.from) return !q.descending;
    if (!q.to.empty() && date > q.to) return q.descending;
    if (static_cast<int>(page.seqs.size()) == q.limit) {
      more = true;
      return false;
    }
    page.seqs.push_back(seq);
    last_date = std::string(date);
    return true;
  }));
  if (more) page.next_cursor = last_date + "." + SeqKeyPart(page.seqs.back());
  return page;
}

Result<json> EntriesPageJson(const FundsView& v, const EntriesPage& page, const EntryFetcher& fetch) {
  json list = json::array();
  for (uint64_t seq : page.seqs) {
    LEDGER_ASSIGN_OR_RETURN(auto got, fetch(seq));
    LEDGER_ASSIGN_OR_RETURN(EntryRec rec, v.Entry(seq));
    json entry = json::parse(got.first, nullptr, false);
    if (entry.is_discarded()) return Corruption("entry " + std::to_string(seq) + " is not JSON");
    list.push_back({{"seq", seq},
                    {"leaf_hash", crypto::Base64Encode(crypto::AsBytes(got.second))},
                    {"entry", std::move(entry)},
                    {"date", rec.date},
                    {"fund", rec.fund.empty() ? json(nullptr) : json(rec.fund)},
                    {"corrected_by", rec.CorrectedBefore(v.size) ? json(*rec.corrected_by) : json(nullptr)}});
  }
  json next = page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor);
  return json{{"entries", std::move(list)}, {"next_cursor", std::move(next)}, {"tree_size", v.size}};
}

}  // namespace ledger::funds
