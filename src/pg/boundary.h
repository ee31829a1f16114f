// commerce_fdw PostgreSQL glue: the C++ / PostgreSQL error boundary.
//
// Rules kept by every callback:
//  * No C++ exception crosses into PostgreSQL: C++ work runs inside guarded(),
//    which catches everything and records the error in static storage.
//  * No ereport() longjmp unwinds C++ frames that own resources: the callback
//    raises the recorded error with raise_captured() only after the guarded
//    block (and every C++ object of it) is gone, and code inside guarded()
//    makes no PostgreSQL call that can raise an error.
//  * A cancel seen by the engine (cfdw::Cancelled) is raised by PostgreSQL
//    itself through CHECK_FOR_INTERRUPTS() once the C++ frames are gone.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "engine/error.h"

namespace cfdw::pg {

struct CapturedError {
  bool cancelled = false;
  char sqlstate[6] = {0};
  char message[2048] = {0};
  char detail[2048] = {0};
  char hint[1024] = {0};
};

// Records an error; never throws.
void capture_error(const char* sqlstate, const char* message, const char* detail, const char* hint) noexcept;
void capture_cancel() noexcept;

// Runs f (C++ only); false when it failed and an error was recorded.
template <typename F>
bool guarded(F&& f) noexcept {
  try {
    f();
    return true;
  } catch (const Cancelled&) {
    capture_cancel();
  } catch (const Error& e) {
    capture_error(e.sqlstate().c_str(), e.what(), e.detail().c_str(), e.hint().c_str());
  } catch (const std::bad_alloc&) {
    capture_error("53200", "out of memory in commerce_fdw", "", "");
  } catch (const std::exception& e) {
    capture_error("XX000", e.what(), "", "");
  } catch (...) {
    capture_error("XX000", "unknown C++ exception in commerce_fdw", "", "");
  }
  return false;
}

// Raises the recorded error as a PostgreSQL ERROR. Call only from plain glue
// code after the guarded block has returned.
[[noreturn]] void raise_captured();

// guarded(f), then the recorded error raised: the usual pair in glue code.
// f's frames are gone when it raises; the caller's lambda must capture only
// references (nothing with a destructor lives in this frame or the caller's
// full-expression).
template <typename F>
void guarded_or_raise(F&& f) {
  if (!guarded(std::forward<F>(f))) raise_captured();
}

// Whether the backend wants the current query to stop (cancel, statement
// timeout, termination). Reads PostgreSQL's flags only; raises nothing.
bool interrupt_pending() noexcept;

// Sends a NOTICE from inside C++ code: any PostgreSQL error while sending it is
// caught on the spot and dropped, so no longjmp can leave this function.
void notice_safely(const char* message) noexcept;

}  // namespace cfdw::pg
