#include "ledger/funds/entries_view.h"

#include <algorithm>
#include <vector>

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

Result<EntriesPage> SelectEntries(const FundsData& data, const EntriesQuery& q) {
  if (q.limit < 1 || q.limit > kMaxEntriesLimit) {
    return InvalidArgument("limit must be 1.." + std::to_string(kMaxEntriesLimit), "entries.limit");
  }
  std::optional<EntryType> type;
  if (!q.type.empty()) {
    LEDGER_ASSIGN_OR_RETURN(EntryType t, ParseEntryType(q.type));
    type = t;
  }
  if (!q.fund.empty() && !IsValidId(q.fund)) return InvalidArgument("bad fund id", "entries.fund");
  if ((!q.from.empty() && !IsIsoDate(q.from)) || (!q.to.empty() && !IsIsoDate(q.to))) {
    return InvalidArgument("from and to must be calendar dates YYYY-MM-DD", "entries.dates");
  }
  const bool by_date = !q.from.empty() || !q.to.empty();

  // The cursor is the position of the last entry of the previous page.
  std::string after_date;
  std::optional<uint64_t> after_seq;
  if (!q.cursor.empty()) {
    uint64_t seq;
    if (by_date) {
      if (q.cursor.size() != 27 || q.cursor[10] != '.' || !IsIsoDate(q.cursor.substr(0, 10)) ||
          !SeqFromKeyTail(q.cursor, &seq)) {
        return BadCursor();
      }
      after_date = q.cursor.substr(0, 10);
    } else if (q.cursor.size() != 16 || !SeqFromKeyTail(q.cursor, &seq)) {
      return BadCursor();
    }
    after_seq = seq;
  }

  // Candidates in ascending seq: one fund's entries, or all of them.
  static const std::vector<size_t> kNone;
  const std::vector<size_t>* positions = nullptr;
  if (!q.fund.empty()) {
    auto it = data.fund_entries.find(q.fund);
    positions = it == data.fund_entries.end() ? &kNone : &it->second;
  }
  const size_t n = positions ? positions->size() : data.entries.size();
  auto at = [&](size_t i) -> const EntryRec& { return data.entries[positions ? (*positions)[i] : i]; };
  auto matches = [&](const EntryRec& e) {
    if (type && e.type != *type) return false;
    if (!q.fund.empty() && e.fund != q.fund) return false;
    if (!q.from.empty() && e.date < q.from) return false;
    if (!q.to.empty() && e.date > q.to) return false;
    return true;
  };

  EntriesPage page;
  std::vector<const EntryRec*> hits;
  if (!by_date) {
    // Seq order: start past the cursor and stop after limit+1 hits.
    size_t i = 0;
    if (after_seq) {
      size_t lo = 0, hi = n;
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (at(mid).seq <= *after_seq) lo = mid + 1; else hi = mid;
      }
      i = lo;
    }
    for (; i < n && static_cast<int>(hits.size()) <= q.limit; ++i) {
      if (matches(at(i))) hits.push_back(&at(i));
    }
  } else {
    // (date, seq) order: the limit+1 smallest positions past the cursor.
    auto key_less = [](const EntryRec* a, const EntryRec* b) {
      return a->date != b->date ? a->date < b->date : a->seq < b->seq;
    };
    for (size_t i = 0; i < n; ++i) {
      const EntryRec& e = at(i);
      if (!matches(e)) continue;
      if (after_seq && (e.date < after_date || (e.date == after_date && e.seq <= *after_seq))) continue;
      hits.push_back(&e);
    }
    const size_t keep = std::min(hits.size(), static_cast<size_t>(q.limit) + 1);
    std::partial_sort(hits.begin(), hits.begin() + keep, hits.end(), key_less);
    hits.resize(keep);
  }
  if (static_cast<int>(hits.size()) > q.limit) {
    hits.pop_back();
    const EntryRec& last = *hits.back();
    page.next_cursor = by_date ? last.date + "." + SeqKeyPart(last.seq) : SeqKeyPart(last.seq);
  }
  for (const EntryRec* e : hits) page.seqs.push_back(e->seq);
  return page;
}

Result<json> EntriesPageJson(const EntriesPage& page, const EntryFetcher& fetch) {
  json list = json::array();
  for (uint64_t seq : page.seqs) {
    LEDGER_ASSIGN_OR_RETURN(auto got, fetch(seq));
    json entry;
    try {
      entry = json::parse(got.first);
    } catch (const json::exception&) {
      return Corruption("entry " + std::to_string(seq) + " is not JSON");
    }
    list.push_back({{"seq", seq},
                    {"leaf_hash", crypto::Base64Encode(crypto::AsBytes(got.second))},
                    {"entry", std::move(entry)}});
  }
  json next = page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor);
  return json{{"entries", std::move(list)}, {"next_cursor", std::move(next)}};
}

}  // namespace ledger::funds
