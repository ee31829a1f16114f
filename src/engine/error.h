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
inline constexpr const char* kNullValueNotAllowed = "22004";
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

// What a failed request means for a write it carried (see modify.h,
// WriteOutcome): the server certainly did not act on it, or it may have (the
// request was sent and its answer lost, or the answer does not say).
enum class RequestEffect {
  Unset,       // not said: a write treats it as Unknown
  NotApplied,  // never reached the server, or refused (4xx, an API failure envelope)
  Unknown,     // sent and no usable answer: timeout, connection lost, 5xx, 1xx/3xx
};

class Error : public std::runtime_error {
 public:
  Error(std::string state, const std::string& message, std::string detail = std::string(),
        std::string hint = std::string())
      : std::runtime_error(message), sqlstate_(std::move(state)), detail_(std::move(detail)),
        hint_(std::move(hint)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }
  RequestEffect effect() const { return effect_; }
  Error& set_effect(RequestEffect e) {
    effect_ = e;
    return *this;
  }
  // The same error under another message (say with the API's name in front).
  Error with_message(const std::string& message) const {
    Error e(sqlstate_, message, detail_, hint_);
    e.effect_ = effect_;
    return e;
  }

 private:
  std::string sqlstate_;
  std::string detail_;
  std::string hint_;
  RequestEffect effect_ = RequestEffect::Unset;
};

// Thrown when the backend asked to stop (query cancel, statement_timeout,
// termination) while the engine was waiting. The glue lets PostgreSQL raise
// its own error for it once the C++ frames are gone.
class Cancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "request cancelled"; }
};

}  // namespace cfdw
