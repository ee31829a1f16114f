// commerce_fdw: the list of APIs. Each API file defines one accessor.
#include "apis/apis.h"

namespace cfdw {

const std::vector<const Api*>& all_apis() {
  static const std::vector<const Api*> apis = {glance_api(), extend_api(), gcommerce_api(), glocher_api()};
  return apis;
}

const Api* find_api(const std::string& name) {
  for (const Api* a : all_apis())
    if (a->name == name) return a;
  return nullptr;
}

}  // namespace cfdw
