// commerce_fdw: the APIs' declarations, one file each.
#pragma once

#include "engine/api.h"

namespace cfdw {

const Api* glance_api();
const Api* extend_api();
const Api* gcommerce_api();
const Api* glocher_api();

}  // namespace cfdw
