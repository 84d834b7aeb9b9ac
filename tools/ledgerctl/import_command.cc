// ledgerctl import: records the rows of a CSV file (bank statements, grant
// lists) as entries of one type, all or nothing.
//
//   ledgerctl import --data DIR --file F.csv --type TYPE [--receipts OUT]
//                    [--as NAME] [--org ORG]
//
// TYPE is donation, disbursement, grant, expense, admin_cost or
// lottery.allocation. The header line names body fields (ledger/funds/body.h);
// a dotted name is a nested member (recipient.id, recipient.name,
// donor.public_name). amount, sales, rate_bp and target are integers (amounts
// in fen); every other cell is a string; an empty cell leaves the field out.
// A donation's donor secret is drawn here as ledgerd would: the row gives at
// most donor.public_name.
//
// Every row is checked before anything is written: parsed, turned into a
// body, and applied in file order to a scratch copy of the fund state (the
// real rules of funds::FundsStateMachine over an in-memory copy of the stored
// derived state), so a row may rely on the rows above it. One bad row refuses
// the whole file, naming each bad row (data rows count from 1; the header is
// line 1 of the file) and why; nothing is appended. Then the rows are
// recorded with funds::Ledger::RecordAll in order, with a progress bar on
// stderr for large files. The donor receipt codes of imported donations go to
// --receipts OUT (mode 0600), one "row,seq,receipt" line each.
//
// The store is opened for writing, so ledgerd must not be running on DIR.
// Recorded as account NAME (--as, default "import") with the recorder role;
// expenses with the grantee role of organisation --org.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ledger/funds/body.h"
#include "ledger/funds/donor.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/entry.h"
#include "tools/ledgerctl/flags.h"
#include "tools/ledgerctl/memory_state.h"

namespace ledger::tools {
namespace {

using nlohmann::json;

constexpr size_t kChunk = 1024;
constexpr size_t kMaxReported = 50;

int Fail(const std::string& msg, int code = 1) {
  fprintf(stderr, "ledgerctl import: %s\n", msg.c_str());
  return code;
}

struct CsvRecord {
  std::vector<std::string> cells;
  size_t line = 0;  // file line the record starts on (1 = header)
};

// RFC 4180: fields separated by commas, records by CRLF or LF, fields with
// commas, quotes or line breaks in double quotes ("" for a quote).
Result<std::vector<CsvRecord>> ParseCsv(std::string text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a spreadsheet's UTF-8 BOM
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string field;
  bool quoted = false, after_quote = false, any = false;
  size_t line = 1;
  rec.line = 1;
  auto end_field = [&] {
    rec.cells.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
        after_quote = true;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || after_quote) {
        return InvalidArgument("line " + std::to_string(line) + ": a quote inside an unquoted field");
      }
      quoted = any = true;
    } else if (c == ',') {
      end_field();
      any = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      if (any || !field.empty()) {
        end_field();
        out.push_back(std::move(rec));
      }
      rec = CsvRecord{};
      any = false;
      rec.line = ++line;
    } else {
      if (after_quote) return InvalidArgument("line " + std::to_string(line) + ": text after a closing quote");
      field += c;
      any = true;
    }
  }
  if (quoted) return InvalidArgument("line " + std::to_string(rec.line) + ": a quoted field never ends");
  if (any || !field.empty()) {
    end_field();
    out.push_back(std::move(rec));
  }
  return out;
}

bool IsIntegerField(const std::string& leaf) {
  return leaf == "amount" || leaf == "sales" || leaf == "rate_bp" || leaf == "target";
}

// Builds the request body of one row from dotted header names.
Result<json> RowBody(const std::vector<std::vector<std::string>>& header, const std::vector<std::string>& cells) {
  json body = json::object();
  for (size_t c = 0; c < header.size(); ++c) {
    if (cells[c].empty()) continue;
    const auto& path = header[c];
    json* at = &body;
    for (size_t k = 0; k + 1 < path.size(); ++k) {
      json& next = (*at)[path[k]];
      if (next.is_null()) next = json::object();
      at = &next;
    }
    const std::string& v = cells[c];
    if (IsIntegerField(path.back()) && path.size() == 1) {
      size_t used = 0;
      long long n = 0;
      bool ok = v.find_first_not_of("-0123456789") == std::string::npos;
      try {
        n = ok ? std::stoll(v, &used) : 0;
      } catch (const std::exception&) {
        ok = false;
      }
      if (!ok || used != v.size()) {
        return InvalidArgument("column " + path.back() + ": \"" + v + "\" is not an integer" +
                               (path.back() == "rate_bp" ? "" : " of fen"));
      }
      (*at)[path.back()] = static_cast<int64_t>(n);
    } else {
      (*at)[path.back()] = v;
    }
  }
  return body;
}

void Progress(size_t done, size_t total) {
  const int width = 30;
  int filled = static_cast<int>(width * done / total);
  fprintf(stderr, "\rimport: [%s%s] %zu / %zu rows", std::string(filled, '#').c_str(),
          std::string(width - filled, ' ').c_str(), done, total);
  if (done == total) fprintf(stderr, "\n");
}

}  // namespace

int CmdImport(const Flags& f) {
  static const std::set<std::string> kTypes = {"donation", "disbursement", "grant", "expense", "admin_cost",
                                               "lottery.allocation"};
  if (!f.Has("data") || !f.Has("file") || !kTypes.count(f.Get("type")) || !f.positional.empty()) {
    return Fail("usage: ledgerctl import --data DIR --file F.csv --type "
                "donation|disbursement|grant|expense|admin_cost|lottery.allocation [--receipts OUT] [--as NAME] "
                "[--org ORG]",
                2);
  }
  auto type = funds::ParseEntryType(f.Get("type"));
  if (!type.ok()) return Fail(type.status().message(), 2);
  funds::Actor actor{funds::Role::kRecorder, f.Get("as", "import"), ""};
  if (*type == funds::EntryType::kExpense) {
    if (!f.Has("org")) return Fail("expenses are recorded by a grantee: give --org ORG", 2);
    actor.role = funds::Role::kGrantee;
    actor.org = f.Get("org");
  }
  if (f.Has("receipts") && *type != funds::EntryType::kDonation) {
    return Fail("--receipts is for donations only", 2);
  }

  // 1. Read and parse the file.
  std::ifstream in(f.Get("file"), std::ios::binary);
  if (!in) return Fail("cannot read " + f.Get("file"));
  std::stringstream ss;
  ss << in.rdbuf();
  auto records = ParseCsv(ss.str());
  if (!records.ok()) return Fail(f.Get("file") + ": " + records.status().message());
  if (records->empty()) return Fail(f.Get("file") + " is empty (it needs a header line)");
  std::vector<std::vector<std::string>> header;
  std::set<std::string> seen;
  for (const std::string& h : (*records)[0].cells) {
    std::vector<std::string> path;
    std::stringstream hs(h);
    std::string part;
    while (std::getline(hs, part, '.')) path.push_back(part);
    bool ok = !h.empty() && h.back() != '.' && !path.empty();
    for (const auto& p : path) ok = ok && !p.empty() && p.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
    if (!ok) return Fail("header \"" + h + "\" is not a body field name (like amount or recipient.id)");
    if (!seen.insert(h).second) return Fail("header \"" + h + "\" appears twice");
    header.push_back(std::move(path));
  }
  for (const auto& a : seen) {
    for (const auto& b : seen) {
      if (b.size() > a.size() && b.compare(0, a.size() + 1, a + ".") == 0) {
        return Fail("headers \"" + a + "\" and \"" + b + "\" cannot both be given");
      }
    }
  }
  const size_t rows = records->size() - 1;
  if (rows == 0) return Fail(f.Get("file") + " has a header but no rows");

  // 2. Open the ledger (for writing: ledgerd must not hold it).
  funds::FundsStateMachine sm;
  auto log = tlog::OpenWritableLog(tlog::DataDir{f.Get("data")}, /*require_private_mode=*/false, &sm);
  if (!log.ok()) {
    // RocksDB's lock held by a running ledgerd shows as an I/O error.
    if (log.status().code() != Code::kIOError) return Fail(log.status().message());
    return Fail(log.status().ToString() +
                " (is ledgerd running on this directory? stop it, or record through POST /api/v1/entries)");
  }
  const uint64_t start_size = (*log)->Size();

  // 3. Dry run: every row, in order, against a scratch copy of the fund state.
  MemoryState scratch;
  Status copied = (*log)->state().Scan("", "", [&](std::string_view k, std::string_view v) {
    scratch.Put(k, v);
    return true;
  });
  if (!copied.ok()) return Fail("copying the fund state: " + copied.message());
  funds::FundsStateMachine dry;
  if (Status st = dry.Load(scratch, start_size); !st.ok()) return Fail("loading the fund state: " + st.message());
  const std::string now = tlog::FormatTime(time(nullptr));
  const std::string zero_secret(funds::kDonorSecretSize, '\0');
  std::vector<funds::RecordRequest> requests;
  std::vector<std::string> problems;
  uint64_t seq = start_size;
  for (size_t r = 1; r <= rows; ++r) {
    const CsvRecord& rec = (*records)[r];
    auto bad = [&](const std::string& why) {
      problems.push_back("row " + std::to_string(r) + " (line " + std::to_string(rec.line) + "): " + why);
    };
    if (rec.cells.size() != header.size()) {
      bad("has " + std::to_string(rec.cells.size()) + " cells, the header has " + std::to_string(header.size()));
      continue;
    }
    auto body = RowBody(header, rec.cells);
    if (!body.ok()) {
      bad(body.status().message());
      continue;
    }
    Status st = funds::CheckRole(actor, *type);
    json stored = *body;
    if (st.ok() && *type == funds::EntryType::kDonation) {
      auto b = funds::DonationRequestToBody(*body, zero_secret);
      if (b.ok()) stored = std::move(*b);
      else st = b.status();
    }
    auto ctx = std::make_shared<funds::DraftContext>();
    std::string canonical;
    if (st.ok()) {
      auto parsed = funds::ParseBody(*type, stored);
      auto text = funds::CanonicalJson(stored);
      if (!parsed.ok()) st = parsed.status();
      else if (!text.ok()) st = text.status();
      else {
        ctx->type = *type;
        ctx->body = std::move(*parsed);
        ctx->actor = actor;
        canonical = std::move(*text);
      }
    }
    if (st.ok()) {
      std::any context = std::shared_ptr<const funds::DraftContext>(ctx);
      st = dry.Apply(tlog::SequencedEntry{seq, now, funds::EntryTypeName(*type), actor.name, canonical, context},
                     &scratch);
    }
    if (!st.ok()) {
      bad(st.message() + (st.rule().empty() ? "" : " [" + st.rule() + "]"));
      continue;
    }
    ++seq;
    requests.push_back(funds::RecordRequest{actor, std::string(funds::EntryTypeName(*type)), std::move(*body), ""});
  }
  if (!problems.empty()) {
    fprintf(stderr, "ledgerctl import: refused %s: %zu of %zu rows are bad; nothing was recorded\n",
            f.Get("file").c_str(), problems.size(), rows);
    for (size_t i = 0; i < problems.size() && i < kMaxReported; ++i) fprintf(stderr, "  %s\n", problems[i].c_str());
    if (problems.size() > kMaxReported) fprintf(stderr, "  ... and %zu more\n", problems.size() - kMaxReported);
    (*log)->Close();
    return 3;
  }

  // 4. The receipts file, before anything is recorded.
  int receipts_fd = -1;
  if (f.Has("receipts")) {
    receipts_fd = open(f.Get("receipts").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (receipts_fd < 0 || fchmod(receipts_fd, 0600) != 0) {
      (*log)->Close();
      return Fail("cannot write " + f.Get("receipts"));
    }
  }

  // 5. Record, in order, in chunks.
  size_t done = 0, receipts = 0;
  std::string failure;
  for (size_t begin = 0; begin < requests.size() && failure.empty(); begin += kChunk) {
    const size_t end = std::min(requests.size(), begin + kChunk);
    std::vector<funds::RecordRequest> chunk(std::make_move_iterator(requests.begin() + begin),
                                            std::make_move_iterator(requests.begin() + end));
    auto results = funds::Ledger(log->get(), &sm).RecordAll(std::move(chunk));
    std::string lines;
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) {
        if (failure.empty()) failure = "row " + std::to_string(begin + i + 1) + ": " + results[i].status().message();
        continue;
      }
      ++done;
      if (results[i]->receipt && receipts_fd >= 0) {
        lines += std::to_string(begin + i + 1) + "," + std::to_string(results[i]->seq) + "," + *results[i]->receipt + "\n";
        ++receipts;
      }
    }
    if (receipts_fd >= 0 && !lines.empty() &&
        write(receipts_fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
      failure = "writing " + f.Get("receipts") + " failed";
    }
    if (rows > kChunk) Progress(end, requests.size());
  }
  if (receipts_fd >= 0) {
    if (fsync(receipts_fd) != 0 && failure.empty()) failure = "syncing " + f.Get("receipts") + " failed";
    close(receipts_fd);
  }
  const uint64_t end_size = (*log)->Size();
  (*log)->Close();
  if (!failure.empty()) {
    return Fail("recorded " + std::to_string(done) + " of " + std::to_string(rows) +
                " rows, then: " + failure + " (the dry run passed; the ledger changed meanwhile?)");
  }
  printf("imported %zu %s rows from %s: entries %llu..%llu%s\n", done, f.Get("type").c_str(), f.Get("file").c_str(),
         (unsigned long long)start_size, (unsigned long long)(end_size - 1),
         receipts_fd >= 0 ? (", " + std::to_string(receipts) + " receipt codes in " + f.Get("receipts")).c_str() : "");
  return 0;
}

}  // namespace ledger::tools
