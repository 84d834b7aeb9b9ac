// GET routes of the charity views (docs/api.md "Charity views") and the
// funds Recorder. Each handler parses parameters, calls funds::Ledger, and
// maps the result; no rule lives here.
#include "api/funds_routes.h"

#include "api/problem.h"
#include "api/server.h"
#include "ledger/crypto/base64.h"
#include "ledger/funds/ledger.h"

namespace ledger::api {

using nlohmann::json;

Result<json> FundsRecorder::Record(const Actor& actor, const std::string& type, const json& body,
                                   const std::string& idempotency_key) {
  LEDGER_ASSIGN_OR_RETURN(funds::Role role, funds::ParseRole(actor.role));
  funds::Actor a{role, actor.name, actor.org, actor.token_id};
  LEDGER_ASSIGN_OR_RETURN(funds::Recorded r, ledger_->Record(a, type, body, idempotency_key));
  json out{{"seq", r.seq},
           {"leaf_hash", crypto::Base64Encode(crypto::AsBytes(r.leaf_hash))},
           {"entry", json::parse(r.entry)}};
  if (r.receipt) out["receipt"] = *r.receipt;
  if (r.replayed) out["replayed"] = true;
  return out;
}

namespace {

void Answer(httplib::Response& res, const Result<json>& r) {
  if (!r.ok()) return WriteProblem(res, r.status());
  WriteJson(res, *r);
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

}  // namespace

void RegisterFundsRoutes(httplib::Server& server, ServerContext& ctx) {
  funds::Ledger* ledger = ctx.ledger;
  if (ledger == nullptr) return;
  ReadGate* gate = ctx.read_gate;

  server.Get("/api/v1/organisation", Gated(gate, [ledger](const httplib::Request&, httplib::Response& res) {
    Answer(res, ledger->Organisation());
  }));
  server.Get("/api/v1/funds", Gated(gate, [ledger](const httplib::Request&, httplib::Response& res) {
    WriteJson(res, ledger->Funds());
  }));
  server.Get(R"(/api/v1/funds/([^/]+))", Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
    Answer(res, ledger->Fund(req.matches[1].str()));
  }));
  server.Get("/api/v1/grants", Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
    Answer(res, ledger->Grants(Param(req, "fund")));
  }));
  server.Get(R"(/api/v1/grants/([^/]+))", Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
    Answer(res, ledger->Grant(req.matches[1].str()));
  }));
  server.Get("/api/v1/entries", Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
    funds::EntriesQuery q;
    q.type = Param(req, "type");
    q.fund = Param(req, "fund");
    q.from = Param(req, "from");
    q.to = Param(req, "to");
    q.cursor = Param(req, "cursor");
    if (req.has_param("limit")) {
      auto limit = ParseU64Param("limit", req.get_param_value("limit"));
      if (!limit.ok()) return WriteProblem(res, limit.status());
      q.limit = *limit > 100000 ? 100000 : static_cast<int>(*limit);
    }
    const std::string order = Param(req, "order");
    if (!order.empty() && order != "asc" && order != "desc") {
      return WriteProblem(res, InvalidArgument("order must be asc or desc", "entries.order"));
    }
    q.descending = order == "desc";
    Answer(res, ledger->Entries(q));
  }));
  server.Get(R"(/api/v1/donations/(\d+)/trace)",
             Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
               auto seq = ParseU64Param("seq", req.matches[1].str());
               if (!seq.ok()) return WriteProblem(res, seq.status());
               Answer(res, ledger->Trace(*seq));
             }));
  server.Get("/api/v1/reports", Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
    funds::ReportQuery q{Param(req, "from"), Param(req, "to"), Param(req, "fund")};
    const std::string format = Param(req, "format");
    if (format == "csv") {
      auto csv = ledger->ReportCsv(q);
      if (!csv.ok()) return WriteProblem(res, csv.status());
      res.set_header("Content-Disposition",
                     "attachment; filename=\"report-" + q.from + "-" + q.to + ".csv\"");
      return res.set_content(*csv, "text/csv; charset=utf-8");
    }
    if (!format.empty() && format != "json") {
      return WriteProblem(res, InvalidArgument("format must be json or csv"));
    }
    Answer(res, ledger->Report(q));
  }));
  server.Get("/api/v1/lottery", Gated(gate, [ledger](const httplib::Request&, httplib::Response& res) {
    Answer(res, ledger->Lottery());
  }));
  server.Get("/api/v1/lottery/announcement", Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
    auto year = ParseU64Param("year", Param(req, "year"));
    if (!year.ok()) return WriteProblem(res, year.status());
    if (*year > 9999) return WriteProblem(res, InvalidArgument("year out of range"));
    Answer(res, ledger->LotteryAnnouncement(static_cast<int>(*year)));
  }));
  server.Get("/api/v1/compliance", Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
    auto year = ParseU64Param("year", Param(req, "year"));
    if (!year.ok()) return WriteProblem(res, year.status());
    if (*year > 9999) return WriteProblem(res, InvalidArgument("year out of range"));
    Answer(res, ledger->Compliance(static_cast<int>(*year)));
  }));
  server.Get("/api/v1/flows", Gated(gate, [ledger](const httplib::Request& req, httplib::Response& res) {
    Answer(res, ledger->Flows(Param(req, "from"), Param(req, "to")));
  }));
}

}  // namespace ledger::api
