// GET /api/v1/export/360giving.json: the grants in the 360Giving standard's
// fields (ledger/funds/export_360giving.h) as of the newest signed
// checkpoint. Thin: the conversion lives in funds.
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
    auto anchored = ledger->ViewAtCheckpoint();
    if (!anchored.ok()) return WriteProblem(res, anchored.status());
    funds::ExportAnchor a;
    a.origin = ledger->log()->origin();
    a.tree_size = anchored->view.size;
    a.root = anchored->root;
    auto j = funds::Export360GivingJson(anchored->view, a);
    if (!j.ok()) return WriteProblem(res, j.status());
    WriteJson(res, *j);
  });
}

}  // namespace ledger::api
