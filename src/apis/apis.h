// commerce_fdw: the APIs' declarations, one file each.
#pragma once

#include "engine/declare/api.h"

namespace cfdw {

// Each accessor returns its API's one instance, unresolved: the registry
// resolves the references of each (resolve_references) before anything uses it.
Api* glance_api();
Api* extend_api();
Api* gcommerce_api();
Api* glocher_api();

}  // namespace cfdw
