#include "ledger/funds/donor.h"

#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"

namespace ledger::funds {

using nlohmann::json;

std::string DonorCommitment(std::string_view secret) {
  crypto::Sha256 h;
  h.Update(std::string_view("charity-ledger/donor/v1\n"));
  h.Update(secret);
  return crypto::Base64Encode(crypto::AsBytes(h.Finish()));
}

std::string FormatReceiptCode(uint64_t seq, std::string_view secret) {
  return std::to_string(seq) + "-" + crypto::ToHex(secret);
}

Result<ReceiptCode> ParseReceiptCode(std::string_view code) {
  auto bad = [&] {
    return InvalidArgument("receipt code must be <seq>-<32 lowercase hex digits>",
                           "receipt.format");
  };
  size_t dash = code.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 19) return bad();
  if (code.size() != dash + 1 + 2 * kDonorSecretSize) return bad();
  ReceiptCode out;
  for (size_t i = 0; i < dash; ++i) {
    if (code[i] < '0' || code[i] > '9') return bad();
    uint64_t next;
    if (__builtin_mul_overflow(out.seq, 10u, &next) ||
        __builtin_add_overflow(next, static_cast<uint64_t>(code[i] - '0'), &out.seq)) {
      return bad();
    }
  }
  if (dash > 1 && code[0] == '0') return bad();
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = dash + 1; i < code.size(); i += 2) {
    int hi = hex(code[i]), lo = hex(code[i + 1]);
    if (hi < 0 || lo < 0) return bad();
    out.secret.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

Result<json> DonationRequestToBody(const json& request, std::string_view secret) {
  if (!request.is_object()) return InvalidArgument("body must be a JSON object", "body.schema");
  if (secret.size() != kDonorSecretSize) return Internal("donor secret must be 16 bytes");
  json body = request;
  json donor = json::object();
  auto it = request.find("donor");
  if (it != request.end()) {
    if (!it->is_object()) {
      return InvalidArgument("body.donor must be an object with public_name only",
                             "donor.no_identity");
    }
    for (const auto& [k, v] : it->items()) {
      if (k != "public_name") {
        return InvalidArgument("body.donor." + k +
                                   " is refused: a donation carries no donor identity, only an "
                                   "optional public_name given with consent",
                               "donor.no_identity");
      }
      donor["public_name"] = v;
    }
  }
  donor["commitment"] = DonorCommitment(secret);
  body["donor"] = std::move(donor);
  return body;
}

Status VerifyReceipt(std::string_view code, std::string_view entry_bytes) {
  LEDGER_ASSIGN_OR_RETURN(ReceiptCode rc, ParseReceiptCode(code));
  json e;
  try {
    e = json::parse(entry_bytes);
  } catch (const json::exception&) {
    return InvalidArgument("entry is not JSON", "receipt.entry");
  }
  const json* seq = e.is_object() && e.contains("seq") ? &e["seq"] : nullptr;
  if (seq == nullptr || !seq->is_number_unsigned() || !e.contains("type") ||
      !e["type"].is_string() || !e.contains("body") || !e["body"].is_object()) {
    return InvalidArgument("entry lacks seq, type or body", "receipt.entry");
  }
  if (seq->get<uint64_t>() != rc.seq) {
    return FailedPrecondition("receipt names entry " + std::to_string(rc.seq) + " but entry is " +
                                  std::to_string(seq->get<uint64_t>()),
                              "receipt.matches");
  }
  if (e["type"] != "donation") {
    return FailedPrecondition("entry " + std::to_string(rc.seq) + " is not a donation",
                              "receipt.matches");
  }
  const json& body = e["body"];
  if (!body.contains("donor") || !body["donor"].is_object() ||
      !body["donor"].contains("commitment") || !body["donor"]["commitment"].is_string()) {
    return InvalidArgument("donation has no donor commitment", "receipt.entry");
  }
  if (body["donor"]["commitment"].get<std::string>() != DonorCommitment(rc.secret)) {
    return FailedPrecondition("receipt secret does not match the commitment in entry " +
                                  std::to_string(rc.seq),
                              "receipt.matches");
  }
  return Status::Ok();
}

}  // namespace ledger::funds
