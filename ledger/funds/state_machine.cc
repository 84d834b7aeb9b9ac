#include "ledger/funds/state_machine.h"

namespace ledger::funds {

Status FundsStateMachine::Load(const tlog::StateReader& store, uint64_t tree_size) {
  {
    std::lock_guard gate(gate_);
    std::unique_lock lock(mu_);
    LEDGER_RETURN_IF_ERROR(state_.Load(store, tree_size));
  }
  std::lock_guard g(size_mu_);
  size_ = tree_size;
  size_cv_.notify_all();
  return Status::Ok();
}

Status FundsStateMachine::Apply(const tlog::SequencedEntry& entry, tlog::StateWriter* w) {
  const DraftContext* ctx = nullptr;
  if (entry.context.has_value()) {
    if (auto* p = std::any_cast<std::shared_ptr<const DraftContext>>(&entry.context)) {
      ctx = p->get();
    }
  }
  if (ctx != nullptr) {
    if (EntryTypeName(ctx->type) != entry.type) {
      return Internal("draft context type does not match entry type");
    }
    ApplyOptions opts;
    opts.actor = ctx->actor ? &*ctx->actor : nullptr;
    opts.idempotency_key = ctx->idempotency_key;
    return state_.Apply(entry, ctx->type, ctx->body, opts, w);
  }
  LEDGER_ASSIGN_OR_RETURN(EntryType type, ParseEntryType(entry.type));
  LEDGER_ASSIGN_OR_RETURN(Body body, ParseCanonicalBody(type, entry.body));
  return state_.Apply(entry, type, body, ApplyOptions{}, w);
}

void FundsStateMachine::Durable(uint64_t tree_size) {
  {
    std::lock_guard gate(gate_);
    std::unique_lock lock(mu_);
    state_.Commit(tree_size);
  }
  std::lock_guard g(size_mu_);
  size_ = tree_size;
  size_cv_.notify_all();
}

void FundsStateMachine::Abandon() { state_.Drop(); }

uint64_t FundsStateMachine::durable_size() const {
  std::lock_guard g(size_mu_);
  return size_;
}

bool FundsStateMachine::WaitForSize(uint64_t size, std::chrono::milliseconds timeout) const {
  std::unique_lock g(size_mu_);
  return size_cv_.wait_for(g, timeout, [&] { return size_ >= size; });
}

}  // namespace ledger::funds
