// commerce_fdw engine: the extension's version, in one place (it must match
// default_version in control/commerce_fdw.control; the User-Agent carries it).
#pragma once

#define CFDW_VERSION "1.2"

namespace cfdw {
inline constexpr const char* kVersion = CFDW_VERSION;
}  // namespace cfdw
