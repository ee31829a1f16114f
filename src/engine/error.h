// commerce_fdw engine: errors. PostgreSQL-free.
//
// Every failure the engine reports is a cfdw::Error carrying the SQLSTATE the
// PostgreSQL glue will raise. The glue catches it at the callback boundary and
// raises it only after every C++ object of the callback is gone.
#pragma once

#include <stdexcept>
#include <string>

namespace cfdw {

// SQLSTATEs used by the engine (five characters, as PostgreSQL spells them).
namespace sqlstate {
inline constexpr const char* kInvalidAuthorization = "28000";  // 401
inline constexpr const char* kInsufficientPrivilege = "42501"; // 403
inline constexpr const char* kInvalidParameterValue = "22023"; // 400, 422
inline constexpr const char* kUniqueViolation = "23505";       // 409
inline constexpr const char* kNotNullViolation = "23502";     // a required column is NULL
inline constexpr const char* kFdwTableNotFound = "HV00R";      // 404 on a listed resource
inline constexpr const char* kFdwUnableToEstablishConnection = "HV00N";  // network, 5xx
inline constexpr const char* kFdwError = "HV000";
inline constexpr const char* kFdwInvalidOptionName = "HV00D";
inline constexpr const char* kFdwInvalidAttributeValue = "HV024";
inline constexpr const char* kFdwInvalidDataType = "HV004";    // a remote value does not fit its column
inline constexpr const char* kFdwOptionNameNotFound = "HV00J";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kProgramLimitExceeded = "54000";  // a response over max_response_bytes
inline constexpr const char* kQueryCanceled = "57014";
inline constexpr const char* kInternalError = "XX000";
}  // namespace sqlstate

class Error : public std::runtime_error {
 public:
  Error(std::string state, const std::string& message, std::string detail = std::string(),
        std::string hint = std::string())
      : std::runtime_error(message), sqlstate_(std::move(state)), detail_(std::move(detail)),
        hint_(std::move(hint)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }

 private:
  std::string sqlstate_;
  std::string detail_;
  std::string hint_;
};

// Thrown when the backend asked to stop (query cancel, statement_timeout,
// termination) while the engine was waiting. The glue lets PostgreSQL raise
// its own error for it once the C++ frames are gone.
class Cancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "request cancelled"; }
};

}  // namespace cfdw
