// ledgerctl import: records the rows of a CSV file (bank statements, grant
// lists) as entries of one type, all or nothing.
//
//   ledgerctl import --data DIR --file F.csv --type TYPE --as ACCOUNT [--receipts OUT] [--dry-run]
//
// TYPE is donation, disbursement, grant, expense, admin_cost or
// lottery.allocation. The header line names body fields (ledger/funds/body.h);
// a dotted name is a nested member (recipient.id, recipient.name,
// donor.public_name). amount, sales, rate_bp and target are integers (amounts
// in fen); every other cell is a string; an empty cell leaves the field out.
// A donation's donor secret is drawn as ledgerd draws it: the row gives at
// most donor.public_name.
//
// The rows are recorded as ACCOUNT, an account made by `ledgerctl token`
// (tokens.jsonl), and checked exactly as POST /api/v1/entries checks its
// token's requests: through funds::Ledger::Prepare (the role may record the
// type; a grantee's expenses only on its organisation's grants), then the
// fund rules in the sequencer. The whole file is one atomic group
// (tlog::Log::AppendAtomic): one batch and one sync, or nothing. Every bad row
// is named (data rows count from 1; the header is line 1 of the file) and
// nothing is appended. --dry-run checks every row and records nothing.
//
// Every row carries an idempotency key "import/<SHA-256 of the file>/<row>"
// scoped by the account's token: importing the same file again records
// nothing more and answers with the first import (and its receipt codes);
// a changed file under the same name is a new file.
//
// The donor receipt codes of imported donations go to --receipts OUT
// (mode 0600), one "row,seq,receipt" line each.
//
// The store is opened for writing, so ledgerd must not be running on DIR.
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
#include "ledger/crypto/sha256.h"
#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/entry.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {
namespace {

using nlohmann::json;

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

}  // namespace

int CmdImport(const Flags& f) {
  static const std::set<std::string> kTypes = {"donation", "disbursement", "grant", "expense", "admin_cost",
                                               "lottery.allocation"};
  if (!f.Has("data") || !f.Has("file") || !f.Has("as") || !kTypes.count(f.Get("type")) || !f.positional.empty()) {
    return Fail("usage: ledgerctl import --data DIR --file F.csv --type "
                "donation|disbursement|grant|expense|admin_cost|lottery.allocation --as ACCOUNT [--receipts OUT] "
                "[--dry-run]",
                2);
  }
  auto type = funds::ParseEntryType(f.Get("type"));
  if (!type.ok()) return Fail(type.status().message(), 2);
  if (f.Has("receipts") && *type != funds::EntryType::kDonation) {
    return Fail("--receipts is for donations only", 2);
  }
  const tlog::DataDir dir{f.Get("data")};

  // 1. The account, as ledgerd would see its token.
  api::TokenStore tokens(dir.tokens_file());
  auto account = tokens.FindAccount(f.Get("as"));
  if (!account.ok()) return Fail("--as " + f.Get("as") + ": " + account.status().message(), 2);
  auto role = funds::ParseRole(account->role);
  if (!role.ok()) return Fail(role.status().message());
  const funds::Actor actor{*role, account->name, account->org, account->token_id};

  // 2. Read and parse the file.
  std::ifstream in(f.Get("file"), std::ios::binary);
  if (!in) return Fail("cannot read " + f.Get("file"));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string file_bytes = ss.str();
  auto records = ParseCsv(file_bytes);
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
    for (const auto& p : path) ok = ok && !p.empty() && p.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") == std::string::npos;
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

  // 3. Rows to requests; a row whose cells do not make a body is bad already.
  std::vector<std::string> problems;
  std::vector<funds::RecordRequest> requests;
  std::vector<size_t> row_of;  // request -> data row (from 1)
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
    requests.push_back(funds::RecordRequest{actor, std::string(funds::EntryTypeName(*type)), std::move(*body), ""});
    row_of.push_back(r);
  }

  // 4. Open the ledger (for writing: ledgerd must not hold it).
  funds::FundsStateMachine sm;
  auto log = tlog::OpenWritableLog(dir, /*require_private_mode=*/false, &sm);
  if (!log.ok()) {
    // RocksDB's lock held by a running ledgerd shows as an I/O error.
    if (log.status().code() != Code::kIOError) return Fail(log.status().message());
    return Fail(log.status().ToString() +
                " (is ledgerd running on this directory? stop it, or record through POST /api/v1/entries)");
  }
  const uint64_t start_size = (*log)->Size();

  // 5. One atomic group, keyed by the file's content. A file with a row that
  // did not even parse is still checked row by row, as a dry run.
  const std::string key = "import/" + crypto::ToHex(crypto::Sha256Of(file_bytes));
  const bool dry_run = f.Has("dry-run") || !problems.empty();
  funds::Ledger ledger(log->get(), &sm);
  funds::Ledger::GroupOutcome out = ledger.RecordAtomic(requests, dry_run, key);
  for (size_t i = 0; i < out.rows.size(); ++i) {
    if (out.rows[i].ok()) continue;
    const Status& st = out.rows[i].status();
    const size_t r = row_of[i];
    problems.push_back("row " + std::to_string(r) + " (line " + std::to_string((*records)[r].line) + "): " +
                       st.message() + (st.rule().empty() ? "" : " [" + st.rule() + "]"));
  }
  const uint64_t end_size = (*log)->Size();
  (*log)->Close();
  if (!problems.empty()) {
    std::sort(problems.begin(), problems.end(), [](const std::string& a, const std::string& b) {
      return std::stoul(a.substr(4)) < std::stoul(b.substr(4));
    });
    fprintf(stderr, "ledgerctl import: refused %s: %zu of %zu rows are bad; nothing was recorded\n",
            f.Get("file").c_str(), problems.size(), rows);
    for (size_t i = 0; i < problems.size() && i < kMaxReported; ++i) fprintf(stderr, "  %s\n", problems[i].c_str());
    if (problems.size() > kMaxReported) fprintf(stderr, "  ... and %zu more\n", problems.size() - kMaxReported);
    return 3;
  }
  if (f.Has("dry-run")) {
    printf("dry run: all %zu %s rows of %s would be recorded (as %s); nothing was recorded\n", rows,
           f.Get("type").c_str(), f.Get("file").c_str(), actor.name.c_str());
    return 0;
  }

  // 6. The receipts file.
  size_t replayed = 0, receipts = 0;
  std::string lines;
  for (size_t i = 0; i < out.rows.size(); ++i) {
    replayed += out.rows[i]->replayed;
    if (out.rows[i]->receipt) {
      lines += std::to_string(row_of[i]) + "," + std::to_string(out.rows[i]->seq) + "," + *out.rows[i]->receipt + "\n";
      ++receipts;
    }
  }
  if (f.Has("receipts")) {
    int fd = open(f.Get("receipts").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bool ok = fd >= 0 && fchmod(fd, 0600) == 0 &&
              write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size()) && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    if (!ok) {
      return Fail("recorded every row, but writing " + f.Get("receipts") +
                  " failed; run the same import again to get the receipt codes back");
    }
  }
  if (replayed == rows) {
    printf("%s was imported before (entries %llu..%llu); nothing new was recorded%s\n", f.Get("file").c_str(),
           (unsigned long long)out.rows.front()->seq, (unsigned long long)out.rows.back()->seq,
           f.Has("receipts") ? (", receipt codes written to " + f.Get("receipts")).c_str() : "");
    return 0;
  }
  printf("imported %zu %s rows from %s as %s: entries %llu..%llu%s\n", rows, f.Get("type").c_str(),
         f.Get("file").c_str(), actor.name.c_str(), (unsigned long long)start_size, (unsigned long long)(end_size - 1),
         f.Has("receipts") ? (", " + std::to_string(receipts) + " receipt codes in " + f.Get("receipts")).c_str() : "");
  return 0;
}

}  // namespace ledger::tools
