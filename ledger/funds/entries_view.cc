#include "ledger/funds/entries_view.h"

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

Result<json> BrowseEntries(const tlog::StateReader& store, uint64_t tree_size,
                           const EntriesQuery& q, const EntryFetcher& fetch) {
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

  std::string prefix, start;
  bool need_type_check = type.has_value(), need_fund_check = !q.fund.empty();
  if (by_date) {
    prefix = std::string(kDateIndexPrefix);
    if (!q.from.empty()) start = prefix + q.from + "/";
  } else if (!q.fund.empty()) {
    prefix = std::string(kFundIndexPrefix) + q.fund + "/";
    need_fund_check = false;
  } else if (type) {
    prefix = std::string(kTypeIndexPrefix) + std::string(EntryTypeName(*type)) + "/";
    need_type_check = false;
  } else {
    prefix = std::string(kEntryPrefix);
  }
  std::string after;  // the key the cursor points at; scanning resumes past it
  if (!q.cursor.empty()) {
    uint64_t seq;
    if (by_date) {
      if (q.cursor.size() != 27 || q.cursor[10] != '.' || !IsIsoDate(q.cursor.substr(0, 10)) ||
          !SeqFromKeyTail(q.cursor, &seq)) {
        return BadCursor();
      }
      after = DateIndexKey(q.cursor.substr(0, 10), seq);
    } else {
      if (q.cursor.size() != 16 || !SeqFromKeyTail(q.cursor, &seq)) return BadCursor();
      after = prefix + q.cursor;
    }
    if (after > start) start = after;
  }

  std::vector<uint64_t> seqs;
  std::vector<std::string> keys;
  Status err;
  Status s = store.Scan(prefix, start, [&](std::string_view k, std::string_view) {
    if (k == after) return true;
    uint64_t seq;
    if (!SeqFromKeyTail(k, &seq)) {
      err = Corruption("bad index key");
      return false;
    }
    if (by_date && !q.to.empty() && k.substr(prefix.size(), 10) > q.to) return false;
    // Not yet durable: in seq order nothing after it is either.
    if (seq >= tree_size) return by_date;
    if (need_type_check || need_fund_check) {
      auto v = store.Get(EntryKey(seq));
      if (!v.ok()) {
        err = v.status();
        return false;
      }
      auto rec = DecodeEntry(*v);
      if (!rec.ok()) {
        err = rec.status();
        return false;
      }
      if (need_type_check && rec->type != *type) return true;
      if (need_fund_check && rec->fund != q.fund) return true;
    }
    seqs.push_back(seq);
    keys.emplace_back(k);
    return static_cast<int>(seqs.size()) <= q.limit;
  });
  LEDGER_RETURN_IF_ERROR(s);
  LEDGER_RETURN_IF_ERROR(err);

  json next = nullptr;
  if (static_cast<int>(seqs.size()) > q.limit) {
    seqs.pop_back();
    keys.pop_back();
    const std::string& last = keys.back();
    next = by_date ? last.substr(prefix.size(), 10) + "." + SeqKeyPart(seqs.back())
                   : SeqKeyPart(seqs.back());
  }
  json list = json::array();
  for (uint64_t seq : seqs) {
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
  return json{{"entries", std::move(list)}, {"next_cursor", std::move(next)}};
}

}  // namespace ledger::funds
