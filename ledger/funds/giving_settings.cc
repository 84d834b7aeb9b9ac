#include "ledger/funds/giving_settings.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ledger/funds/body.h"
#include "ledger/funds/giving_codelists.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

Status Bad(const std::string& member, const std::string& what) {
  return InvalidArgument("360Giving settings: " + member + " " + what, "giving.settings");
}

// Refuses members of `o` not in `known`.
Status OnlyKnown(const json& o, const std::string& where, std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : o.items()) {
    bool found = false;
    for (std::string_view n : known) found = found || k == n;
    if (!found) return Bad(where + k, "is not a known member");
  }
  return Status::Ok();
}

Result<std::string> String(const json& o, const std::string& where, const char* name, bool required) {
  if (!o.contains(name)) {
    if (required) return Bad(where + name, "is missing");
    return std::string();
  }
  const json& v = o[name];
  if (!v.is_string() || v.get_ref<const std::string&>().empty())
    return Bad(where + name, "must be a non-empty string");
  return v.get<std::string>();
}

Result<std::string> Url(const json& o, const std::string& where, const char* name, bool required) {
  LEDGER_ASSIGN_OR_RETURN(std::string s, String(o, where, name, required));
  if (!s.empty() && !IsHttpUrl(s))
    return Bad(where + name, "must be an http(s) URL, got '" + s.substr(0, 80) + "'");
  return s;
}

// "360G-" then letters, digits, '.', '_' or '-' (no '/': 360Giving's
// identifier guidance), at most 64 characters, not ending in '-'.
bool IsPrefix(std::string_view p) {
  if (p.size() <= 5 || p.size() > 64 || p.substr(0, 5) != "360G-" || p.back() == '-') return false;
  for (char c : p.substr(5)) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

Result<IndividualsRule> ParseRule(const json& r, const std::string& where) {
  if (!r.is_object()) return Bad(where, "must be an object");
  LEDGER_RETURN_IF_ERROR(
      OnlyKnown(r, where + ".", {"fund", "programme", "primary_reason", "secondary_reason", "purpose"}));
  IndividualsRule rule;
  LEDGER_ASSIGN_OR_RETURN(rule.fund, String(r, where + ".", "fund", true));
  if (!IsValidId(rule.fund))
    return Bad(where + ".fund", "must be a fund id, got '" + rule.fund.substr(0, 80) + "'");
  LEDGER_ASSIGN_OR_RETURN(std::string programme, String(r, where + ".", "programme", false));
  if (!programme.empty()) rule.programme = programme;
  LEDGER_ASSIGN_OR_RETURN(rule.primary_reason, String(r, where + ".", "primary_reason", true));
  if (!IsGrantToIndividualsReason(rule.primary_reason)) {
    return Bad(where + ".primary_reason", "'" + rule.primary_reason.substr(0, 40) +
                                              "' is not in 360Giving's grantToIndividualsReason codelist");
  }
  LEDGER_ASSIGN_OR_RETURN(std::string secondary, String(r, where + ".", "secondary_reason", false));
  if (!secondary.empty()) {
    if (!IsGrantToIndividualsReason(secondary)) {
      return Bad(where + ".secondary_reason",
                 "'" + secondary.substr(0, 40) + "' is not in 360Giving's grantToIndividualsReason codelist");
    }
    if (secondary == rule.primary_reason) return Bad(where + ".secondary_reason", "repeats primary_reason");
    rule.secondary_reason = secondary;
  }
  if (r.contains("purpose")) {
    const json& p = r["purpose"];
    if (!p.is_array() || p.empty() || p.size() > 3) {
      return Bad(where + ".purpose", "must be a list of 1 to 3 codes (360Giving recommends at most three)");
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < p.size(); ++i) {
      const std::string at = where + ".purpose[" + std::to_string(i) + "]";
      if (!p[i].is_string()) return Bad(at, "must be a string");
      const std::string code = p[i].get<std::string>();
      if (!IsGrantToIndividualsPurpose(code)) {
        return Bad(at,
                   "'" + code.substr(0, 40) + "' is not in 360Giving's grantToIndividualsPurpose codelist");
      }
      if (!seen.insert(code).second) return Bad(at, "repeats " + code);
      rule.purpose.push_back(code);
    }
  }
  return rule;
}

}  // namespace

bool IsHttpUrl(std::string_view s) {
  std::string_view rest;
  if (s.substr(0, 8) == "https://")
    rest = s.substr(8);
  else if (s.substr(0, 7) == "http://")
    rest = s.substr(7);
  else
    return false;
  const size_t host_end = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, host_end);
  if (host.empty() || host.front() == '.' || host.front() == ':' || host.front() == '@') return false;
  for (char c : host) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':')) return false;
  }
  static constexpr std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=%";
  for (char c : rest.substr(host.size())) {
    if (!isalnum(static_cast<unsigned char>(c)) && kAllowed.find(c) == std::string_view::npos) return false;
  }
  return s.size() <= 2000;
}

const IndividualsRule* GivingSettings::IndividualsRuleFor(std::string_view fund,
                                                          std::string_view programme) const {
  const IndividualsRule* whole_fund = nullptr;
  for (const IndividualsRule& r : individuals) {
    if (r.fund != fund) continue;
    if (!r.programme)
      whole_fund = &r;
    else if (!programme.empty() && *r.programme == programme)
      return &r;
  }
  return whole_fund;
}

std::string GivingSettingsPath(const std::string& data_dir) { return data_dir + "/360giving.json"; }

Result<GivingSettings> ParseGivingSettings(const json& j) {
  if (!j.is_object()) return Bad("the document", "must be a JSON object");
  LEDGER_RETURN_IF_ERROR(OnlyKnown(j, "", {"prefix", "license", "data_source", "publisher", "individuals"}));
  GivingSettings s;
  LEDGER_ASSIGN_OR_RETURN(s.prefix, String(j, "", "prefix", true));
  if (!IsPrefix(s.prefix)) {
    return Bad("prefix",
               "must be a registered 360Giving prefix: \"360G-\" then letters, digits, '.', '_' or '-' "
               "(at most 64 characters), got '" +
                   s.prefix.substr(0, 80) + "'");
  }
  LEDGER_ASSIGN_OR_RETURN(s.license, Url(j, "", "license", true));
  LEDGER_ASSIGN_OR_RETURN(s.data_source, Url(j, "", "data_source", false));
  if (j.contains("publisher")) {
    const json& p = j["publisher"];
    if (!p.is_object()) return Bad("publisher", "must be an object");
    LEDGER_RETURN_IF_ERROR(OnlyKnown(p, "publisher.", {"website", "logo"}));
    LEDGER_ASSIGN_OR_RETURN(s.publisher_website, Url(p, "publisher.", "website", false));
    LEDGER_ASSIGN_OR_RETURN(s.publisher_logo, Url(p, "publisher.", "logo", false));
  }
  if (j.contains("individuals")) {
    const json& list = j["individuals"];
    if (!list.is_array()) return Bad("individuals", "must be a list");
    std::set<std::pair<std::string, std::string>> seen;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = "individuals[" + std::to_string(i) + "]";
      LEDGER_ASSIGN_OR_RETURN(IndividualsRule r, ParseRule(list[i], where));
      if (!seen.insert({r.fund, r.programme.value_or("")}).second) {
        return Bad(where, "repeats the rule for fund '" + r.fund + "'" +
                              (r.programme ? " and programme '" + *r.programme + "'" : std::string()));
      }
      s.individuals.push_back(std::move(r));
    }
  }
  return s;
}

Result<GivingSettings> ReadGivingSettings(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound("no 360Giving settings file " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return IOError("cannot read the 360Giving settings file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return InvalidArgument("360Giving settings: " + path + " is not JSON", "giving.settings");
  auto s = ParseGivingSettings(j);
  if (!s.ok()) return Status(s.status().code(), path + ": " + s.status().message(), s.status().rule());
  return s;
}

}  // namespace ledger::funds
