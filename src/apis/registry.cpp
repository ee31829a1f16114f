// commerce_fdw: the list of APIs (CFDW_APIS in apis.h). Each API file defines
// one accessor; the registry resolves each API's references once, on first use.
#include "apis/apis.h"

namespace cfdw {

namespace {

struct Registry {
  std::vector<const Api*> apis;
  std::vector<std::string> problems;

  Registry() {
#define CFDW_LIST_API(name) name##_api(),
    for (Api* a : {CFDW_APIS(CFDW_LIST_API)}) {
#undef CFDW_LIST_API
      for (auto& p : resolve_references(*a)) problems.push_back(std::move(p));
      apis.push_back(a);
    }
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

}  // namespace

const std::vector<const Api*>& all_apis() { return registry().apis; }

const std::vector<std::string>& declaration_problems() { return registry().problems; }

const Api* find_api(const std::string& name) {
  for (const Api* a : all_apis())
    if (a->name == name) return a;
  return nullptr;
}

}  // namespace cfdw
