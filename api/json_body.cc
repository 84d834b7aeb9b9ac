#include "api/json_body.h"

#include <set>
#include <vector>

namespace ledger::api {

Result<nlohmann::json> ParseStrictJson(std::string_view text) {
  using nlohmann::json;
  std::vector<std::set<std::string>> keys;  // keys seen, per open object
  std::string problem;
  auto cb = [&](int depth, json::parse_event_t event, json& parsed) -> bool {
    if (!problem.empty()) return false;
    switch (event) {
      case json::parse_event_t::object_start:
        keys.emplace_back();
        [[fallthrough]];
      case json::parse_event_t::array_start:
        if (depth >= kMaxJsonDepth) problem = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        break;
      case json::parse_event_t::object_end:
        keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.back().insert(parsed.get<std::string>()).second) {
          problem = "duplicate key \"" + parsed.get<std::string>() + "\"";
        }
        break;
      case json::parse_event_t::value:
        if (parsed.is_number_float()) {
          problem = "numbers must be integers (amounts are integer fen), got " + parsed.dump();
        } else if (parsed.is_number_unsigned() && parsed.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
          problem = "integer " + parsed.dump() + " is out of range";
        }
        break;
      default:
        break;
    }
    return problem.empty();
  };
  try {
    json j = json::parse(text.begin(), text.end(), cb);
    if (!problem.empty()) return InvalidArgument(problem);
    return j;
  } catch (const json::out_of_range& e) {
    // A number literal too large for a double (e.g. 2e600) throws 406 here,
    // not a parse_error; uncaught it became a 500.
    if (!problem.empty()) return InvalidArgument(problem);
    return InvalidArgument("number out of range at byte " + std::to_string(text.size()) + " or before");
  } catch (const json::parse_error& e) {
    if (!problem.empty()) return InvalidArgument(problem);
    std::string what = e.what();
    return InvalidArgument("malformed JSON at byte " + std::to_string(e.byte) + ": " +
                           what.substr(what.find(':') + 2));
  }
}

}  // namespace ledger::api
