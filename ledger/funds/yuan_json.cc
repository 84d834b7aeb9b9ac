#include "ledger/funds/yuan_json.h"

#include <cmath>

namespace ledger::funds {

using nlohmann::json;

std::string FenToYuan(int64_t fen) {
  const bool neg = fen < 0;
  const uint64_t v = neg ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string cents = std::to_string(v % 100);
  if (cents.size() < 2) cents = "0" + cents;
  return (neg ? "-" : "") + std::to_string(v / 100) + "." + cents;
}

Result<double> YuanNumber(int64_t fen) {
  if (fen > kMaxExactYuanFen || fen < -kMaxExactYuanFen) {
    return OutOfRange("amount of " + std::to_string(fen) +
                      " fen is beyond what a JSON number carries exactly");
  }
  return static_cast<double>(fen) / 100.0;
}

namespace {

std::string Scalar(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Status Write(const json& j, int indent, int depth, std::string* out) {
  const bool pretty = indent >= 0;
  auto newline = [&](int d) {
    if (!pretty) return;
    out->push_back('\n');
    out->append(static_cast<size_t>(indent) * d, ' ');
  };
  switch (j.type()) {
    case json::value_t::object: {
      if (j.empty()) {
        out->append("{}");
        return Status::Ok();
      }
      out->push_back('{');
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out->push_back(',');
        first = false;
        newline(depth + 1);
        out->append(Scalar(json(it.key())));
        out->append(pretty ? ": " : ":");
        LEDGER_RETURN_IF_ERROR(Write(it.value(), indent, depth + 1, out));
      }
      newline(depth);
      out->push_back('}');
      return Status::Ok();
    }
    case json::value_t::array: {
      if (j.empty()) {
        out->append("[]");
        return Status::Ok();
      }
      out->push_back('[');
      bool first = true;
      for (const json& v : j) {
        if (!first) out->push_back(',');
        first = false;
        newline(depth + 1);
        LEDGER_RETURN_IF_ERROR(Write(v, indent, depth + 1, out));
      }
      newline(depth);
      out->push_back(']');
      return Status::Ok();
    }
    case json::value_t::number_float: {
      const double d = j.get<double>();
      const double scaled = d * 100.0;
      if (!std::isfinite(d) || std::fabs(scaled) > static_cast<double>(kMaxExactYuanFen)) {
        return Internal("a number in a yuan document is not an amount: " + Scalar(j));
      }
      const int64_t fen = std::llround(scaled);
      if (static_cast<double>(fen) / 100.0 != d) {
        return Internal("a number in a yuan document is not a whole number of fen: " + Scalar(j));
      }
      out->append(FenToYuan(fen));
      return Status::Ok();
    }
    default:
      out->append(Scalar(j));
      return Status::Ok();
  }
}

}  // namespace

Result<std::string> DumpWithYuan(const json& j, int indent) {
  std::string out;
  LEDGER_RETURN_IF_ERROR(Write(j, indent, 0, &out));
  return out;
}

}  // namespace ledger::funds
