#include "ledger/funds/view.h"

#include "ledger/funds/record_codec.h"

namespace ledger::funds {

Result<std::optional<GrantRec>> ReadGrant(const tlog::StateReader& s, std::string_view id) {
  auto v = s.Get(GrantKey(id));
  if (!v.ok()) {
    if (v.status().code() == Code::kNotFound) return std::optional<GrantRec>();
    return v.status();
  }
  LEDGER_ASSIGN_OR_RETURN(GrantRec g, DecodeGrant(*v));
  return std::optional<GrantRec>(std::move(g));
}

Result<std::optional<EntryRec>> ReadEntry(const tlog::StateReader& s, uint64_t seq) {
  auto v = s.Get(EntryKey(seq));
  if (!v.ok()) {
    if (v.status().code() == Code::kNotFound) return std::optional<EntryRec>();
    return v.status();
  }
  LEDGER_ASSIGN_OR_RETURN(EntryRec e, DecodeEntry(*v));
  return std::optional<EntryRec>(std::move(e));
}

Result<GrantRec> FundsView::Grant(std::string_view id) const {
  LEDGER_ASSIGN_OR_RETURN(std::optional<GrantRec> g, ReadGrant(*store, id));
  if (!g) return NotFound("no grant " + std::string(id));
  return std::move(*g);
}

Result<EntryRec> FundsView::Entry(uint64_t seq) const {
  if (seq >= size) return NotFound("no entry " + std::to_string(seq));
  LEDGER_ASSIGN_OR_RETURN(std::optional<EntryRec> e, ReadEntry(*store, seq));
  if (!e) return NotFound("no entry " + std::to_string(seq));
  return std::move(*e);
}

Status ScanIndex(const tlog::StateReader& s, std::string_view prefix, std::string_view start, bool descending,
                 const std::function<bool(std::string_view key, uint64_t seq)>& fn) {
  Status bad;
  auto visit = [&](std::string_view k, std::string_view) {
    uint64_t seq;
    if (!SeqFromKeyTail(k, &seq)) {
      bad = Corruption("index key without a seq: " + std::string(k));
      return false;
    }
    return fn(k, seq);
  };
  LEDGER_RETURN_IF_ERROR(descending ? s.ScanBack(prefix, start, visit) : s.Scan(prefix, start, visit));
  return bad;
}

}  // namespace ledger::funds
