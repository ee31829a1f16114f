// commerce_fdw: the APIs' declarations, one file each.
#pragma once

#include "engine/api.h"

namespace cfdw {

const Api* glance_api();

}  // namespace cfdw
