#include "ledger/funds/csv_rows.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace ledger::funds {
namespace {

using nlohmann::json;

Status CsvError(std::string msg, const char* rule) {
  return InvalidArgument(std::move(msg), rule).WithField("csv");
}

bool IsIntegerColumn(std::string_view leaf) {
  return std::find(std::begin(kIntegerColumns), std::end(kIntegerColumns), leaf) != std::end(kIntegerColumns);
}

// Parses a decimal integer cell without floating point: an optional '-' and
// digits, within int64 (the body parser checks the ranges).
bool ParseIntegerCell(const std::string& v, int64_t* out) {
  const bool neg = !v.empty() && v[0] == '-';
  size_t i = neg ? 1 : 0;
  if (i == v.size()) return false;
  int64_t n = 0;
  for (; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return false;
    if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, v[i] - '0', &n)) return false;
  }
  *out = neg ? -n : n;
  return true;
}

// The request body of one row, from dotted header names.
Result<json> RowBody(const std::vector<std::vector<std::string>>& header,
                     const std::vector<std::string>& cells) {
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
    if (IsIntegerColumn(path.back())) {
      int64_t n = 0;
      if (!ParseIntegerCell(v, &n)) {
        std::string shown = v.substr(0, 40);
        std::string column;
        for (const auto& p : path) column += (column.empty() ? "" : ".") + p;
        const bool fen = path.back() == "amount" || path.back() == "sales";
        return InvalidArgument(
                   "column " + column + ": \"" + shown + "\" is not an integer" + (fen ? " of fen" : ""),
                   "csv.integer")
            .WithField("body." + column);
      }
      (*at)[path.back()] = n;
    } else {
      (*at)[path.back()] = v;
    }
  }
  return body;
}

Result<std::vector<std::vector<std::string>>> ParseHeader(const std::vector<std::string>& names) {
  std::vector<std::vector<std::string>> header;
  std::set<std::string> seen;
  for (const std::string& h : names) {
    std::vector<std::string> path;
    size_t start = 0;
    while (true) {
      const size_t dot = h.find('.', start);
      path.push_back(h.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    bool ok = !h.empty();
    for (const auto& p : path) {
      ok = ok && !p.empty() &&
           p.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") == std::string::npos;
    }
    if (!ok) {
      return CsvError(
          "header \"" + h.substr(0, 64) + "\" is not a body field name (like amount or recipient.id)",
          "csv.header");
    }
    if (!seen.insert(h).second) return CsvError("header \"" + h + "\" appears twice", "csv.header");
    header.push_back(std::move(path));
  }
  for (const auto& a : seen) {
    for (const auto& b : seen) {
      if (b.size() > a.size() && b.compare(0, a.size() + 1, a + ".") == 0) {
        return CsvError("headers \"" + a + "\" and \"" + b + "\" cannot both be given", "csv.header");
      }
    }
  }
  return header;
}

}  // namespace

bool IsImportable(EntryType type) {
  switch (type) {
    case EntryType::kFundOpen:
    case EntryType::kOrgProfile:
    case EntryType::kBooksClose:
    case EntryType::kCorrection:
      return false;
    default:
      return true;
  }
}

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a spreadsheet's UTF-8 BOM
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
        return CsvError("line " + std::to_string(line) + ": a quote inside an unquoted field", "csv.syntax");
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
      if (after_quote) {
        return CsvError("line " + std::to_string(line) + ": text after a closing quote", "csv.syntax");
      }
      field += c;
      any = true;
    }
  }
  if (quoted)
    return CsvError("line " + std::to_string(rec.line) + ": a quoted field never ends", "csv.syntax");
  if (any || !field.empty()) {
    end_field();
    out.push_back(std::move(rec));
  }
  return out;
}

std::string FormatRowProblem(const RowProblem& p) {
  return "row " + std::to_string(p.row) + " (line " + std::to_string(p.line) + "): " + p.status.message() +
         (p.status.rule().empty() ? "" : " [" + p.status.rule() + "]");
}

Result<CsvRequests> CsvToRequests(std::string_view text, const Actor& actor, EntryType type) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(text));
  if (records.empty()) return CsvError("the file is empty (it needs a header line)", "csv.empty");
  LEDGER_ASSIGN_OR_RETURN(auto header, ParseHeader(records[0].cells));
  CsvRequests out;
  out.rows = records.size() - 1;
  if (out.rows == 0) return CsvError("the file has a header but no rows", "csv.empty");
  out.line_of_row.assign(out.rows + 1, 0);
  for (size_t r = 1; r <= out.rows; ++r) {
    const CsvRecord& rec = records[r];
    out.line_of_row[r] = rec.line;
    if (rec.cells.size() != header.size()) {
      out.problems.push_back({r, rec.line,
                              InvalidArgument("has " + std::to_string(rec.cells.size()) +
                                                  " cells, the header has " + std::to_string(header.size()),
                                              "csv.cells")});
      continue;
    }
    auto body = RowBody(header, rec.cells);
    if (!body.ok()) {
      out.problems.push_back({r, rec.line, body.status()});
      continue;
    }
    out.requests.push_back(RecordRequest{actor, std::string(EntryTypeName(type)), std::move(*body), ""});
    out.row_of.push_back(r);
  }
  return out;
}

Result<ImportOutcome> ImportRows(Ledger& ledger, const Actor& actor, EntryType type, std::string_view text,
                                 bool dry_run, std::string_view group_key, size_t max_rows) {
  LEDGER_ASSIGN_OR_RETURN(CsvRequests reqs, CsvToRequests(text, actor, type));
  if (max_rows > 0 && reqs.rows > max_rows) {
    return Status(Code::kResourceExhausted,
                  "the file has " + std::to_string(reqs.rows) + " rows; at most " + std::to_string(max_rows) +
                      " are imported at once: split it",
                  "batch.too_many_rows");
  }
  ImportOutcome out;
  out.rows = reqs.rows;
  out.problems = std::move(reqs.problems);
  // A file with a row that did not even parse is still checked row by row,
  // as a dry run, so that the answer names every bad row at once.
  const bool dry = dry_run || !out.problems.empty();
  Ledger::GroupOutcome g = ledger.RecordAtomic(reqs.requests, dry, group_key);
  for (size_t i = 0; i < g.rows.size(); ++i) {
    const size_t r = reqs.row_of[i];
    if (!g.rows[i].ok()) {
      out.problems.push_back({r, reqs.line_of_row[r], g.rows[i].status()});
      continue;
    }
    Recorded rec = std::move(*g.rows[i]);
    // A dry run draws donor secrets that are never stored: no receipt.
    if (dry && !rec.replayed) rec.receipt.reset();
    out.recorded.push_back({r, reqs.line_of_row[r], std::move(rec)});
  }
  // A failure that is no row's fault (the log stopped, a write failed) is
  // the whole import's: the caller cannot fix it by editing the file.
  for (const RowProblem& p : out.problems) {
    switch (p.status.code()) {
      case Code::kUnavailable:
      case Code::kIOError:
      case Code::kInternal:
      case Code::kCorruption:
      case Code::kResourceExhausted:
        return p.status;
      default:
        break;
    }
  }
  if (!g.ok && out.problems.empty()) return Internal("the group was refused without naming a row");
  std::sort(out.problems.begin(), out.problems.end(),
            [](const RowProblem& a, const RowProblem& b) { return a.row < b.row; });
  out.ok = out.problems.empty() && g.ok;
  if (!out.ok) out.recorded.clear();
  out.replayed = out.ok && !out.recorded.empty() &&
                 std::all_of(out.recorded.begin(), out.recorded.end(),
                             [](const ImportOutcome::Row& row) { return row.recorded.replayed; });
  return out;
}

}  // namespace ledger::funds
