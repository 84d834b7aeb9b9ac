// CSV rows as entry requests: the one place that turns an import file into
// funds::RecordRequests and records them all or nothing. Used by `ledgerctl
// import --data` (tools/ledgerctl/import_command.cc) and by ledgerd's
// POST /api/v1/batches (api/backoffice_routes.cc), so a file is read, numbered and
// refused the same way by both.
//
// File format (docs/format.md section "Import files"):
//   - RFC 4180: fields separated by commas, records by CRLF or LF, a field
//     holding a comma, quote or line break in double quotes ("" for a quote);
//     a leading UTF-8 byte order mark (as spreadsheets write it) is skipped;
//     blank lines are skipped.
//   - The first record is the header: each name is a body field of the entry
//     type (ledger/funds/body.h), a dotted name a nested member
//     (recipient.id, donor.public_name, name.zh). Names are [a-z0-9_] parts
//     joined by dots; no name twice; "a" and "a.b" not both.
//   - Every later record is one entry. A cell of a column whose last name
//     part is in kIntegerColumns (amount, beneficiaries.households, ...) is
//     a decimal integer (amounts in fen); every other cell is a string; an
//     empty cell leaves the field out (and an object none of whose cells is
//     filled, such as in_kind.* on a bank donation, is left out whole).
//   - Data rows count from 1; "line" is the file line a record starts on
//     (the header is line 1; a quoted cell may span lines).
// A donation's donor secret is drawn as for POST /api/v1/entries: a row gives
// at most donor.public_name.
//
// Thread-safe: pure functions, except ImportRows, which records through a
// Ledger (itself thread-safe).
#ifndef LEDGER_FUNDS_CSV_ROWS_H_
#define LEDGER_FUNDS_CSV_ROWS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/funds/entry_types.h"
#include "ledger/funds/ledger.h"

namespace ledger::funds {

// Body members read as integers, by their last name part wherever they are
// nested (beneficiaries.households, in_kind.quantity,
// restriction.admin_fee_cap_bp). A new entry type with an integer member
// adds its name here; every other member is a string.
inline constexpr std::string_view kIntegerColumns[] = {
    "amount",   "sales",      "target",  "fiscal_year",      "year",
    "quantity", "households", "persons", "admin_fee_cap_bp", "charged_to"};

// The types a file may hold: everything but the acts that are done one at a
// time by hand: fund.open, org.profile and books.close (admin) and
// correction (with its published reason). History recorded later (income,
// costs, balances brought forward, projects, disclosures, net assets,
// lottery sales) keeps its own business dates.
bool IsImportable(EntryType type);

struct CsvRecord {
  std::vector<std::string> cells;
  size_t line = 0;  // file line the record starts on (1 = the header)
};

// Splits RFC 4180 text into records. InvalidArgument (rule "csv.syntax")
// naming the line for a quote inside an unquoted field, text after a closing
// quote, or a quoted field that never ends.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text);

// A row that cannot be recorded: its number, its line, and why.
struct RowProblem {
  size_t row = 0;   // data row, from 1
  size_t line = 0;  // file line it starts on
  Status status;
};

// "row R (line L): <message> [<rule>]", as `ledgerctl import` prints it.
std::string FormatRowProblem(const RowProblem& p);

// The requests of a file, in row order.
struct CsvRequests {
  std::vector<RecordRequest> requests;
  std::vector<size_t> row_of;        // request index -> data row (from 1)
  std::vector<size_t> line_of_row;   // data row (from 1) -> line; [0] unused
  std::vector<RowProblem> problems;  // rows whose cells do not make a body
  size_t rows = 0;                   // data rows in the file
};

// Parses `text` and turns each data row into a request of `type` by `actor`.
// InvalidArgument for a file that is not CSV ("csv.syntax"), has no header
// or no rows ("csv.empty"), or whose header is not body field names
// ("csv.header"); a row that does not make a body (wrong cell count, a
// non-integer amount) is a RowProblem and the other rows are still read.
Result<CsvRequests> CsvToRequests(std::string_view text, const Actor& actor, EntryType type);

// What importing a file did.
struct ImportOutcome {
  bool ok = false;  // every row accepted (and, unless dry_run, recorded)
  size_t rows = 0;
  std::vector<RowProblem> problems;  // every bad row, by row number
  // Row by row (when ok): what each recorded, or would record in a dry run
  // (seq is then the index it would get).
  struct Row {
    size_t row = 0, line = 0;
    Recorded recorded;
  };
  std::vector<Row> recorded;
  bool replayed = false;  // every row came back from an earlier import with the same key
};

// Records every row of `text` through Ledger::RecordAtomic: one batch and
// one sync, or nothing. A file with any bad row records nothing and names
// every bad row (rows that did not parse and rows the rules refuse, each
// checked against the state including the good rows before it). With a
// `group_key`, row i carries idempotency key "<group_key>/<i>" scoped by
// the actor's token (Ledger::RecordAtomic): the same file again answers with
// the first import's results and records nothing more; another file under
// the same key is refused (rule "idempotency.key_conflict").
// The Result is an error for a file that is not readable as CSV rows
// (CsvToRequests), for more than `max_rows` rows when max_rows > 0
// (ResourceExhausted, rule "batch.too_many_rows"), and for a failure that is
// no row's fault (the log refused or failed the write: Unavailable,
// IOError, Internal).
Result<ImportOutcome> ImportRows(Ledger& ledger, const Actor& actor, EntryType type, std::string_view text,
                                 bool dry_run, std::string_view group_key, size_t max_rows = 0);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_CSV_ROWS_H_
