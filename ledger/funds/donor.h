// Donor privacy: commitments and receipt codes.
//
// No donor identity enters the ledger. The server draws a 16-byte secret per
// donation and stores only a commitment to it:
//
//   commitment = base64( SHA-256( "charity-ledger/donor/v1\n" || secret ) )
//                          (24 ASCII bytes incl. the newline, then 16 raw bytes)
//
// The donor gets the receipt code, shown once:
//
//   "<seq>-<secret as 32 lowercase hex digits>"      e.g. "12-00ff...e1"
//
// where seq is the decimal index of the donation entry. Anyone holding the code
// can check that the entry at seq commits to it, and nobody else can link the
// entry to a person. A donor who consents to be named adds "public_name".
//
// Thread-safe: pure functions.
#ifndef LEDGER_FUNDS_DONOR_H_
#define LEDGER_FUNDS_DONOR_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"

namespace ledger::funds {

inline constexpr size_t kDonorSecretSize = 16;

// base64 commitment to a 16-byte secret (layout above).
std::string DonorCommitment(std::string_view secret);

struct ReceiptCode {
  uint64_t seq = 0;
  std::string secret;  // 16 raw bytes
};

std::string FormatReceiptCode(uint64_t seq, std::string_view secret);
// InvalidArgument unless `code` is "<decimal seq>-<32 lowercase hex>".
Result<ReceiptCode> ParseReceiptCode(std::string_view code);

// Turns the body of a donation *request* into the body to record. The request
// has no "donor" member or "donor":{"public_name": "..."} only; any other
// donor member (name, phone, id_number, commitment, ...) is refused with
// InvalidArgument (rule "donor.no_identity"). The result carries
// "donor":{"commitment":...,"public_name"?}. Other members are copied as is
// and validated later with the stored body.
Result<nlohmann::json> DonationRequestToBody(const nlohmann::json& request,
                                             std::string_view secret);

// OK when `code` is a receipt for the donation entry `entry_bytes` (the
// canonical envelope as stored in the log): same seq, type donation, and the
// body's commitment matches the secret. Otherwise InvalidArgument for a
// malformed code or entry, FailedPrecondition (rule "receipt.matches") for a
// mismatch.
Status VerifyReceipt(std::string_view code, std::string_view entry_bytes);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_DONOR_H_
