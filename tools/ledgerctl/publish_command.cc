// ledgerctl publish: the ledger's public surface as plain files, for any web
// server or CDN (a static mirror).
//
//   ledgerctl publish --data DIR --out OUT [--site DIR] [--policy FILE]
//
// Writes, under OUT, what ledgerd serves at the same paths:
//   checkpoint, tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>]   (C2SP)
//   api/v1/log, api/v1/checkpoints/latest, api/v1/funds/index.json,
//   api/v1/funds/<id>,
//   api/v1/grants/<id>, api/v1/lottery/index.json, api/v1/flows,
//   api/v1/entries/<seq>, api/v1/receipts/<seq> and
//   api/v1/donations/<seq>/trace for donations, the default variants of the
//   query endpoints (api/v1/entries/index.json, api/v1/reports,
//   api/v1/compliance, api/v1/lottery/announcement: the last full year with
//   lottery figures), api/v1/export/360giving.json when the ledger has export
//   settings (DIR/360giving.json), plus the public site's files except the
//   back office (admin/: a mirror has no write API);
//   tlog-policy (the log's C2SP tlog-policy: --policy FILE, which must list
//   the log's key, or else "log <vkey>" and "quorum none"), also pinned into
//   the site's config.json (docs/format.md section 12).
// A path that is both a collection and a directory (api/v1/funds,
// api/v1/entries, api/v1/lottery) is written as <path>/index.json: the web
// server must answer <path> with it (nginx: try_files $uri $uri/index.json).
// Tiles, bundles, entries and receipts never change once written, so a
// second run writes only new ones; views are rewritten when they changed.
// The checkpoint is written last, so a mirror never names a tree it cannot
// serve. Opens the store read-only: safe while ledgerd runs.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <fstream>
#include <thread>
#include <sstream>

#include "api/log_views.h"
#include "ledger/funds/export_360giving.h"
#include "ledger/funds/giving_settings.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/record_codec.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/policy.h"
#include "ledger/tlog/tile.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int Fail(const std::string& msg, int code = 1) {
  fprintf(stderr, "ledgerctl publish: %s\n", msg.c_str());
  return code;
}

struct Counts {
  uint64_t written = 0, unchanged = 0;
};

// Writes `bytes` to OUT/rel through a temporary file and a rename, unless
// the file already holds them (or, for immutable files, exists at all).
Status Put(const fs::path& out, const std::string& rel, const std::string& bytes, bool immutable, Counts* c) {
  const fs::path p = out / rel;
  std::error_code ec;
  if (fs::exists(p, ec)) {
    if (immutable) {
      ++c->unchanged;
      return Status::Ok();
    }
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str() == bytes) {
      ++c->unchanged;
      return Status::Ok();
    }
  }
  fs::create_directories(p.parent_path(), ec);
  if (ec) return IOError("creating " + p.parent_path().string() + ": " + ec.message());
  const fs::path tmp = p.string() + ".tmp";
  {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    o.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!o) return IOError("writing " + tmp.string());
  }
  fs::rename(tmp, p, ec);
  if (ec) return IOError("renaming " + tmp.string() + ": " + ec.message());
  ++c->written;
  return Status::Ok();
}

Status PutJson(const fs::path& out, const std::string& rel, const Result<json>& j, Counts* c) {
  LEDGER_RETURN_IF_ERROR(j.status());
  return Put(out, rel, j->dump(), false, c);
}

// The site's config.json with the log's key and its policy pinned, so the
// verify page trusts these rather than what a server answers. Other fields of
// the site's own config.json are kept.
Result<std::string> PinnedConfig(const std::string& site, const tlog::Log& log, const tlog::Policy& policy) {
  json config = json::object();
  if (!site.empty()) {
    std::ifstream in(fs::path(site) / "config.json", std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      config = json::parse(ss.str(), nullptr, false);
      if (config.is_discarded() || !config.is_object()) {
        return InvalidArgument(site + "/config.json is not a JSON object");
      }
    }
  }
  json witnesses = json::array();
  for (const auto& w : policy.witnesses()) witnesses.push_back(w.verifier->vkey());
  const std::optional<size_t> flat = policy.FlatThreshold();
  config["log_vkey"] = log.verifier_key();
  config["origin"] = log.origin();
  config["witnesses"] = witnesses;
  config["witness_quorum"] = flat ? *flat : policy.MinCosignatures();
  config["policy_flat"] = flat.has_value();
  config["policy"] = policy.text();
  config["policy_path"] = "tlog-policy";
  return config.dump(2) + "\n";
}

// A read-only open of the store whose newest checkpoint covers every entry
// in it, so that the views (computed over the whole store) and the tiles and
// entries (published up to the checkpoint) describe the same tree. While
// ledgerd writes, the store may briefly hold entries its newest checkpoint
// does not cover yet: open again, for up to about five seconds.
struct Opened {
  std::unique_ptr<funds::FundsStateMachine> sm;
  std::unique_ptr<tlog::Log> log;
  tlog::Checkpoint cp;
};

Result<Opened> OpenCovered(const std::string& data) {
  for (int attempt = 0;; ++attempt) {
    Opened o;
    o.sm = std::make_unique<funds::FundsStateMachine>();
    tlog::Options opts;
    opts.path = tlog::DataDir{data}.db();
    opts.read_only = true;
    opts.state_machine = o.sm.get();
    LEDGER_ASSIGN_OR_RETURN(o.log, tlog::Log::Open(opts));
    LEDGER_ASSIGN_OR_RETURN(o.cp, o.log->LatestCheckpoint());
    if (o.cp.size == o.log->Size()) return o;
    if (attempt == 25) {
      return Status(Code::kUnavailable, "the store holds " + std::to_string(o.log->Size()) +
                                            " entries but its newest checkpoint covers " + std::to_string(o.cp.size) +
                                            ": ledgerd is writing faster than it signs; run publish again");
    }
    o.log->Close();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// The year the mirror's lottery announcement describes: the last year
// before `this_year` (the checkpoint's) with lottery figures, else the year
// before it.
int AnnouncedYear(const json& lottery, int this_year) {
  int best = 0;
  for (const auto& p : lottery["periods"]) {
    const int y = std::stoi(p["period"].get<std::string>().substr(0, 4));
    if (y < this_year && y > best) best = y;
  }
  return best > 0 ? best : this_year - 1;
}

// The 360Giving export as ledgerd serves it, when the ledger has export
// settings and something to export; otherwise none (an old one is removed),
// as ledgerd then answers 404 or 422.
Status PutExport(const std::string& data, const funds::Ledger& ledger, const fs::path& out, Counts* c) {
  const std::string rel = "api/v1/export/360giving.json";
  Result<std::string> text = Status(Code::kNotFound, "no export settings");
  if (const std::string path = funds::GivingSettingsPath(data); fs::exists(path)) {
    LEDGER_ASSIGN_OR_RETURN(funds::GivingSettings giving, funds::ReadGivingSettings(path));
    text = funds::Export360GivingAtCheckpoint(ledger, giving, funds::ExportFormat::kJson);
  }
  if (text.ok()) return Put(out, rel, *text, false, c);
  if (text.status().code() != Code::kNotFound && text.status().code() != Code::kFailedPrecondition) {
    return text.status();
  }
  std::error_code ec;
  fs::remove(out / rel, ec);
  return Status::Ok();
}

Status Publish(const std::string& data, const fs::path& out, const std::string& site,
               const std::optional<tlog::Policy>& given, Counts* c) {
  LEDGER_ASSIGN_OR_RETURN(Opened opened, OpenCovered(data));
  tlog::Log* log = opened.log.get();
  funds::Ledger ledger(log, opened.sm.get());
  const tlog::Checkpoint& cp = opened.cp;
  const uint64_t n = cp.size;

  // C2SP tiles and entry bundles for the checkpointed tree.
  for (int level = 0; level <= tlog::kMaxTileLevel; ++level) {
    const uint64_t count = n >> (level * tlog::kTileHeight);
    if (count == 0) break;
    for (uint64_t index = 0; index * tlog::kTileWidth < count; ++index) {
      const int width = static_cast<int>(std::min<uint64_t>(tlog::kTileWidth, count - index * tlog::kTileWidth));
      const std::string rel = tlog::FormatTilePath({false, level, index, width});
      if (fs::exists(out / rel)) {
        ++c->unchanged;
        continue;
      }
      LEDGER_ASSIGN_OR_RETURN(std::string tile, log->HashTile(level, index, width));
      LEDGER_RETURN_IF_ERROR(Put(out, rel, tile, true, c));
    }
  }
  for (uint64_t index = 0; index * tlog::kTileWidth < n; ++index) {
    const int width = static_cast<int>(std::min<uint64_t>(tlog::kTileWidth, n - index * tlog::kTileWidth));
    const std::string rel = tlog::FormatTilePath({true, 0, index, width});
    if (fs::exists(out / rel)) {
      ++c->unchanged;
      continue;
    }
    LEDGER_ASSIGN_OR_RETURN(std::string bundle, log->EntryBundle(index, width));
    LEDGER_RETURN_IF_ERROR(Put(out, rel, bundle, true, c));
  }

  // Entries, and each donation's receipt and trace.
  std::vector<uint64_t> donations;
  {
    LEDGER_ASSIGN_OR_RETURN(funds::FundsView v, ledger.View());
    LEDGER_RETURN_IF_ERROR(funds::ScanIndex(*v.store, funds::TypeIndexPrefix("donation"), {}, false,
                                            [&](std::string_view, uint64_t seq) {
                                              donations.push_back(seq);
                                              return true;
                                            }));
    std::sort(donations.begin(), donations.end());
  }
  for (uint64_t seq = 0; seq < n; ++seq) {
    const std::string rel = "api/v1/entries/" + std::to_string(seq);
    if (fs::exists(out / rel)) continue;
    LEDGER_RETURN_IF_ERROR(PutJson(out, rel, api::EntryJson(*log, seq), c));
  }
  for (uint64_t seq : donations) {
    const std::string rel = "api/v1/receipts/" + std::to_string(seq);
    if (!fs::exists(out / rel)) {
      LEDGER_ASSIGN_OR_RETURN(std::string receipt, api::ReceiptText(*log, seq, cp));
      LEDGER_RETURN_IF_ERROR(Put(out, rel, receipt, true, c));
    }
    LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/donations/" + std::to_string(seq) + "/trace", ledger.Trace(seq), c));
  }

  // Views. Query endpoints get their default variant: a static server
  // ignores the query string.
  json funds = ledger.Funds();
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/funds/index.json", funds, c));
  for (const auto& f : funds["funds"]) {
    const std::string id = f["id"];
    LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/funds/" + id, ledger.Fund(id), c));
    LEDGER_ASSIGN_OR_RETURN(json grants, ledger.Grants(id));
    for (const auto& g : grants["grants"]) {
      const std::string gid = g["id"];
      LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/grants/" + gid, ledger.Grant(gid), c));
    }
  }
  const std::string today = tlog::FormatTime(cp.unix_ms / 1000).substr(0, 10);
  const int this_year = std::stoi(today.substr(0, 4));
  LEDGER_ASSIGN_OR_RETURN(json lottery, ledger.Lottery());
  // A mirror published before the lottery became a directory has a file there.
  if (fs::is_regular_file(out / "api/v1/lottery")) fs::remove(out / "api/v1/lottery");
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/lottery/index.json", lottery, c));
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/lottery/announcement",
                                 ledger.LotteryAnnouncement(AnnouncedYear(lottery, this_year)), c));
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/flows", ledger.Flows("", ""), c));
  LEDGER_RETURN_IF_ERROR(PutExport(data, ledger, out, c));
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/compliance", ledger.Compliance(this_year - 1), c));
  funds::ReportQuery rq;
  rq.from = "1949-10-01";
  rq.to = today;
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/reports", ledger.Report(rq), c));
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/entries/index.json", ledger.Entries(funds::EntriesQuery{}), c));
  LEDGER_ASSIGN_OR_RETURN(const tlog::Policy policy,
                          given ? Result<tlog::Policy>(*given) : tlog::Policy::FromFlags(log->verifier_key(), {}, 0));
  if (!policy.ListsLog(log->verifier_key())) {
    return InvalidArgument("the policy has no log line with this log's key " + log->verifier_key());
  }
  json log_json = api::LogJson(*log, policy.text());
  log_json["tree_size"] = n;  // the checkpointed size the mirror serves
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/log", log_json, c));
  LEDGER_RETURN_IF_ERROR(Put(out, "tlog-policy", policy.text(), false, c));
  LEDGER_RETURN_IF_ERROR(PutJson(out, "api/v1/checkpoints/latest", api::CheckpointJson(*log, cp), c));

  // The public site, without the back office.
  if (!site.empty()) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(site, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_directory() && fs::relative(it->path(), site) == "admin") {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;
      if (fs::relative(it->path(), site) == "config.json") continue;  // written pinned below
      std::ifstream in(it->path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      LEDGER_RETURN_IF_ERROR(Put(out, fs::relative(it->path(), site).string(), ss.str(), false, c));
    }
    if (ec) return IOError("reading the site at " + site + ": " + ec.message());
  }
  LEDGER_ASSIGN_OR_RETURN(std::string config, PinnedConfig(site, *log, policy));
  LEDGER_RETURN_IF_ERROR(Put(out, "config.json", config, false, c));
  // Last: the checkpoint, once everything it names can be served.
  return Put(out, "checkpoint", cp.note, false, c);
}

}  // namespace

int CmdPublish(const Flags& f) {
  if (!f.Has("data") || !f.Has("out") || !f.positional.empty()) {
    return Fail("usage: ledgerctl publish --data DIR --out OUT [--site DIR] [--policy FILE]", 2);
  }
  std::string site = f.Get("site");
  if (site.empty() && fs::is_directory("public-site")) site = "public-site";
  std::optional<tlog::Policy> policy;
  if (f.Has("policy")) {
    std::ifstream in(f.Get("policy"), std::ios::binary);
    if (!in) return Fail("cannot read --policy " + f.Get("policy"), 2);
    std::stringstream ss;
    ss << in.rdbuf();
    auto parsed = tlog::Policy::Parse(ss.str());
    if (!parsed.ok()) return Fail("--policy " + f.Get("policy") + ": " + parsed.status().message(), 2);
    policy = std::move(*parsed);
  }
  Counts c;
  Status s = Publish(f.Get("data"), f.Get("out"), site, policy, &c);
  if (!s.ok()) return Fail(s.ToString());
  printf("published to %s: %llu files written, %llu unchanged\n", f.Get("out").c_str(),
         static_cast<unsigned long long>(c.written), static_cast<unsigned long long>(c.unchanged));
  return 0;
}

}  // namespace ledger::tools
