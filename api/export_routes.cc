// GET /api/v1/export/360giving.json: the grants in the 360Giving standard's
// fields (ledger/funds/export_360giving.h) as of the newest signed
// checkpoint. Thin: the conversion lives in funds.
#include <chrono>

#include "api/problem.h"
#include "api/server.h"
#include "ledger/crypto/base64.h"
#include "ledger/funds/export_360giving.h"
#include "ledger/funds/ledger.h"

namespace ledger::api {

void RegisterExportRoutes(httplib::Server& server, ServerContext& ctx) {
  funds::Ledger* ledger = ctx.ledger;
  if (ledger == nullptr) return;
  server.Get("/api/v1/export/360giving.json", [ledger](const httplib::Request&, httplib::Response& res) {
    funds::ExportAnchor a;
    a.origin = ledger->log()->origin();
    a.root = crypto::Base64Encode(crypto::AsBytes(crypto::Sha256Of("")));  // RFC 9162 empty tree
    auto cp = ledger->log()->LatestCheckpoint();
    if (cp.ok()) {
      a.tree_size = cp->size;
      a.root = crypto::Base64Encode(crypto::AsBytes(cp->root));
    } else if (cp.status().code() != Code::kNotFound) {
      return WriteProblem(res, cp.status());
    }
    if (!ledger->state_machine()->WaitForSize(a.tree_size, std::chrono::milliseconds(5000))) {
      return WriteProblem(res, Status(Code::kUnavailable, "fund state has not caught up with the checkpoint"));
    }
    auto snap = ledger->state_machine()->Read();
    auto j = funds::Export360GivingJson(snap.data(), a);
    if (!j.ok()) return WriteProblem(res, j.status());
    WriteJson(res, *j);
  });
}

}  // namespace ledger::api
