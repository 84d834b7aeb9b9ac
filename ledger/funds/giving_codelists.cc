#include "ledger/funds/giving_codelists.h"

#include <algorithm>

namespace ledger::funds {

const std::vector<GivingCode>& GrantToIndividualsReasons() {
  static const std::vector<GivingCode> kCodes = {
      {"GTIR010", "Financial Hardship"},
      {"GTIR020", "Disability"},
      {"GTIR030", "Health/Condition"},
      {"GTIR040", "Mental Health"},
      {"GTIR050", "Family breakup"},
      {"GTIR060", "Violence or abuse"},
      {"GTIR070", "Livelihood"},
      {"GTIR080", "Homelessness"},
      {"GTIR090", "Marginalised"},
      {"GTIR100", "Emergency/crisis event"},
      {"GTIR110", "Development opportunity"},
      {"GTIR120", "Social action"},
  };
  return kCodes;
}

const std::vector<GivingCode>& GrantToIndividualsPurposes() {
  static const std::vector<GivingCode> kCodes = {
      {"GTIP010", "Unrestricted"},
      {"GTIP020", "Furniture and appliances"},
      {"GTIP030", "Equipment and home adaptations"},
      {"GTIP040", "Devices and digital access"},
      {"GTIP050", "Utilities"},
      {"GTIP060", "Other housing related costs"},
      {"GTIP070", "Food and essential items"},
      {"GTIP080", "Clothing"},
      {"GTIP090", "Debt"},
      {"GTIP100", "Travel and transport"},
      {"GTIP110", "Holiday and activity costs"},
      {"GTIP120", "Health, care and wellbeing services"},
      {"GTIP130", "Education and training"},
      {"GTIP140", "Employment and work"},
      {"GTIP150", "Creative activities"},
      {"GTIP160", "Community projects"},
      {"GTIP170", "Exceptional costs"},
  };
  return kCodes;
}

namespace {
bool In(const std::vector<GivingCode>& list, std::string_view code) {
  return std::any_of(list.begin(), list.end(), [&](const GivingCode& c) { return c.code == code; });
}
}  // namespace

bool IsGrantToIndividualsReason(std::string_view code) { return In(GrantToIndividualsReasons(), code); }
bool IsGrantToIndividualsPurpose(std::string_view code) { return In(GrantToIndividualsPurposes(), code); }

}  // namespace ledger::funds
