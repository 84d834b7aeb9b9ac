// The back office's API (docs/api.md, "Back office"): who a token is, the
// accounts (admin), a grantee's own grants, and batch import of CSV files.
//
//   GET  /api/v1/me            any live token: {"name","role","org"}
//   GET  /api/v1/me/grants     grantee: {"org","grants":[GrantSummary...]},
//                              the grants whose recipient is its organisation
//   GET  /api/v1/accounts      admin: {"accounts":[{"name","role","org"}...]},
//                              live accounts by name; never a token or a hash
//   POST /api/v1/batches?type=TYPE[&dry_run=1]   a CSV file (ledger/funds/csv_rows.h),
//                              recorded all or nothing through funds::ImportRows
//
// Authenticated answers never carry Access-Control-Allow-Origin. Every
// handler parses, calls the library and maps the result.
//
// Thread-safe.
#ifndef LEDGER_API_BACKOFFICE_ROUTES_H_
#define LEDGER_API_BACKOFFICE_ROUTES_H_

#include <httplib.h>

#include "api/server.h"

namespace ledger::api {

// Registers the routes above; the charity ones only when ctx.ledger is set.
void RegisterBackOfficeRoutes(httplib::Server& server, ServerContext& ctx);

}  // namespace ledger::api

#endif  // LEDGER_API_BACKOFFICE_ROUTES_H_
