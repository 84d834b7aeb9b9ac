// GET /api/v1/export/360giving.json: the grants as a 360Giving data package
// (ledger/funds/export_360giving.h) as of the newest signed checkpoint, with
// the export settings ledgerd was started with. Thin: the conversion lives
// in funds.
#include "api/problem.h"
#include "api/server.h"
#include "ledger/funds/export_360giving.h"
#include "ledger/funds/ledger.h"

namespace ledger::api {

void RegisterExportRoutes(httplib::Server& server, ServerContext& ctx) {
  funds::Ledger* ledger = ctx.ledger;
  if (ledger == nullptr) return;
  const funds::GivingSettings* giving = ctx.giving;
  const std::string missing = ctx.giving_missing;
  server.Get("/api/v1/export/360giving.json",
             Gated(ctx.read_gate, [ledger, giving, missing](const httplib::Request&, httplib::Response& res) {
               if (giving == nullptr) return WriteProblem(res, 404, missing);
               auto text = funds::Export360GivingAtCheckpoint(*ledger, *giving, funds::ExportFormat::kJson);
               if (!text.ok()) return WriteProblem(res, text.status());
               res.status = 200;
               res.set_content(std::move(*text), "application/json");
             }));
}

}  // namespace ledger::api
