// commerce_fdw: the APIs' declarations, one file each.
#pragma once

#include "engine/declare/api.h"

namespace cfdw {

// Every API, in the order the validator lists them: the one place an API is
// registered. Each name N stands for the accessor `Api* N_api()` that its file
// src/apis/N.cpp defines, returning the API's one instance unresolved (the
// registry resolves its references, resolve_references, before anything uses it).
#define CFDW_APIS(X) X(glance) X(extend) X(gcommerce) X(glocher)

#define CFDW_DECLARE_API(name) Api* name##_api();
CFDW_APIS(CFDW_DECLARE_API)
#undef CFDW_DECLARE_API

}  // namespace cfdw
