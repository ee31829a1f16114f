"""Core of the commerce API simulator.

One HTTP/1.1 server answers all four APIs, each under its own path prefix
(``/glance/...``, ``/gcommerce/...``, ``/glocher/...``, ``/extend/...``), plus
control endpoints under ``/_sim/`` that the tests drive through ``simctl.py``.

This module holds what every API shares:

* ``Request`` / ``Response``: the parsed request handed to an API module and
  the answer it returns;
* ``RequestLog``: every API request as received (control requests are not
  logged), for tests that assert what the client sent;
* ``FaultSet``: injected failures (status codes, latency, broken bodies,
  connection resets) for the next N matching requests;
* ``Config``: run-time settings (``glance.page_cap`` ...), each API declaring
  its own keys and defaults;
* ``FixedWindowLimiter`` and ``Router``: helpers for the API modules;
* ``Simulator`` and ``make_server``: dispatch and the HTTP server itself.

An API module (``glance.py``, ...) exposes ``API``, a subclass of ``SimAPI``
with a ``prefix``, ``reset(seed)`` and ``handle(req) -> Response``. A module
that does not exist yet is served by a placeholder answering 404.
"""

import decimal
import http
import importlib
import json
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The APIs in the order they are documented; each is served by the module of
# the same name when it exists.
API_NAMES = ("glance", "gcommerce", "glocher", "extend")

# The body sent by the "malformed" fault: JSON that no parser accepts.
MALFORMED_BODY = b'{"data": [ {"id": 1,, }'


# --------------------------------------------------------------------------
# JSON helpers


def loads(text):
    """Parses JSON keeping decimal numbers exact (as ``Decimal``)."""
    return json.loads(text, parse_float=decimal.Decimal)


def plain(value):
    """Converts ``Decimal`` values (recursively) to int or float for storage."""
    if isinstance(value, decimal.Decimal):
        if value == value.to_integral_value() and abs(value) < 10**15:
            return int(value)
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def dumps(value):
    """Compact JSON as the APIs send it (UTF-8 text, key order kept)."""
    return json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":"))


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return plain(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def canonical_json(value):
    """Deterministic compact JSON: keys sorted, numbers written as parsed.

    Numbers parsed with ``loads`` keep their text (``19.90`` stays ``19.90``),
    so a test sees exactly which number a client sent.
    """
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical_json(v)
                              for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, decimal.Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------
# Requests and responses


class BadRequest(Exception):
    """A request the simulator cannot even parse (e.g. an invalid JSON body)."""


class Request:
    """One API request, with the API prefix already removed from the path.

    ``path`` and ``query`` are exactly as received (percent-encoded);
    ``segments`` are the path segments, percent-decoded one by one, so a
    segment may contain ``/`` when the client encoded it as ``%2F``.
    """

    def __init__(self, method, api, path, query, headers, body):
        self.method = method
        self.api = api
        self.path = path
        self.query = query  # None when the request target had no '?'
        self.headers = headers
        self.body = body  # bytes
        raw = path.split("/")[1:]
        if raw and raw[-1] == "":
            raw = raw[:-1]  # tolerate one trailing slash
        self.segments = [urllib.parse.unquote(s) for s in raw]
        self.params = urllib.parse.parse_qsl(query or "", keep_blank_values=True)
        self._json = None

    def param(self, name, default=None):
        """The first value of a query parameter, or ``default``."""
        for key, value in self.params:
            if key == name:
                return value
        return default

    def header(self, name, default=None):
        return self.headers.get(name, default)

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        """The body parsed as JSON (``{}`` when empty); raises BadRequest."""
        if self._json is None:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = loads(self.body.decode("utf-8"))
                except (ValueError, UnicodeDecodeError) as exc:
                    raise BadRequest("Invalid JSON body: %s" % exc) from None
        return self._json


class Response:
    """An answer: status, headers (list of pairs) and body bytes."""

    def __init__(self, status, body=b"", headers=None, content_type="application/json; charset=utf-8"):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.headers = list(headers or [])
        if content_type and not any(k.lower() == "content-type" for k, _ in self.headers):
            self.headers.append(("Content-Type", content_type))

    @classmethod
    def json(cls, status, obj, headers=None):
        return cls(status, dumps(obj), headers)

    def add_header(self, name, value):
        self.headers.append((name, str(value)))


# --------------------------------------------------------------------------
# Routing


class Router:
    """Matches (method, decoded path segments) against patterns.

    Patterns are written like ``/inventory/:id/edit``; ``:name`` captures one
    segment. Routes are tried in the order they were added.
    """

    def __init__(self):
        self.routes = []

    def add(self, method, pattern, handler):
        parts = [p for p in pattern.split("/") if p]
        self.routes.append((method, parts, handler))

    def match(self, method, segments):
        """Returns (handler, params) or (None, None)."""
        for route_method, parts, handler in self.routes:
            if route_method != method or len(parts) != len(segments):
                continue
            params = {}
            for part, seg in zip(parts, segments):
                if part.startswith(":"):
                    params[part[1:]] = seg
                elif part != seg:
                    break
            else:
                return handler, params
        return None, None


# --------------------------------------------------------------------------
# Request log


class RequestLog:
    """Thread-safe, in-memory list of API requests, optionally mirrored to a
    JSON-lines file."""

    def __init__(self, path=None):
        self.lock = threading.Lock()
        self.entries = []
        self.seq = 0
        self.path = path

    def add(self, req, shown=None):
        """Records ``req``; ``shown`` is (query, body) as the log may show
        them (an API's secrets masked), by default as received."""
        query, body = shown if shown is not None else (req.query, req.text)
        with self.lock:
            self.seq += 1
            entry = {
                "seq": self.seq,
                "time": round(time.time(), 3),
                "api": req.api,
                "method": req.method,
                "path": req.path,
                "query": query,
                "body": body,
                # presence only: secrets are never recorded
                "authorization": "Authorization" in req.headers,
                "extend_basic_authorization": "ExtendBasicAuthorization" in req.headers,
                "status": None,
            }
            self.entries.append(entry)
            return entry

    def finish(self, entry, status):
        """Records the status answered (None: no answer) and writes the file."""
        with self.lock:
            entry["status"] = status
            if self.path:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def list(self, api=None):
        with self.lock:
            return [dict(e) for e in self.entries if api is None or e["api"] == api]

    def clear(self, api=None):
        """Removes (and returns) the entries of one API, or all."""
        with self.lock:
            taken = [dict(e) for e in self.entries if api is None or e["api"] == api]
            self.entries = [e for e in self.entries if not (api is None or e["api"] == api)]
            return taken


def format_log_entry(entry):
    """The line(s) ``simctl log`` prints for one entry.

    ``glance GET /inventory?page=1&limit=100``, then, when there is a body, a
    second line indented by four spaces with the body as canonical JSON (or
    as received when it is not JSON).
    """
    line = "%s %s %s" % (entry["api"], entry["method"], entry["path"])
    if entry.get("query") is not None:
        line += "?" + entry["query"]
    body = entry.get("body") or ""
    if body.strip():
        try:
            body = canonical_json(loads(body))
        except ValueError:
            body = body.replace("\r", "\\r").replace("\n", "\\n")
        line += "\n    " + body
    return line


# --------------------------------------------------------------------------
# Write faults: the request is applied, then its answer is lost
#
#   after_apply "hang":  the request runs (a write is applied), then the answer
#                        waits hang_ms (default 10000) before it is sent: a
#                        client with a shorter timeout gives up first;
#   after_apply "reset": the request runs, then the connection is closed with an
#                        RST and no answer;
#   skip N:              the first N matching requests pass untouched (the
#                        second batch of a statement).
# The log records the status the request had (the write happened).

AFTER_APPLY_FAULTS = ("hang", "reset")
WRITE_FAULT_FIELDS = ("after_apply", "hang_ms", "skip")
DEFAULT_HANG_MS = 10000


def validate_write_fault(fault):
    """Checks and normalises the write-fault fields of a fault (in place).
    True when the fault has an after_apply kind."""
    kind = fault.get("after_apply")
    if kind is not None and kind not in AFTER_APPLY_FAULTS:
        raise ValueError("after_apply must be one of %s" % ", ".join(AFTER_APPLY_FAULTS))
    if kind is not None and (fault.get("status") or fault.get("body") or fault.get("reset_connection")):
        raise ValueError("after_apply runs the request: it does not combine with status, body or reset_connection")
    if fault.get("hang_ms") is not None:
        fault["hang_ms"] = int(fault["hang_ms"])
        if kind != "hang" or fault["hang_ms"] < 0:
            raise ValueError("hang_ms goes with after_apply hang and is not negative")
    elif kind == "hang":
        fault["hang_ms"] = DEFAULT_HANG_MS
    fault["skip"] = int(fault.get("skip") or 0)
    if fault["skip"] < 0:
        raise ValueError("skip must not be negative")
    return kind is not None


def skip_write_fault(fault):
    """Whether a matching request passes untouched (its skip count used up by one)."""
    if fault.get("skip"):
        fault["skip"] -= 1
        return True
    return False


def answer_after_apply(handler, fault, resp):
    """Loses the answer of an applied request as the fault says."""
    if fault["after_apply"] == "reset":
        handler._reset_connection()
        return
    time.sleep(fault["hang_ms"] / 1000.0)
    handler.close_connection = True
    handler._send(resp)  # the client has usually gone: _dispatch ignores the broken pipe


# --------------------------------------------------------------------------
# Faults

BODY_FAULTS = ("malformed", "truncated", "empty")


class FaultSet:
    """Faults waiting for matching requests.

    A fault matches on api, method and path prefix (each optional); the prefix
    matches whole segments: ``/inventory/7`` matches ``/inventory/7`` and
    ``/inventory/7/edit`` but not ``/inventory/70``. The first matching fault
    with a count left is used and its count decremented.
    """

    FIELDS = ("api", "method", "path_prefix", "status", "retry_after", "latency_ms",
              "body", "reset_connection", "count") + WRITE_FAULT_FIELDS

    def __init__(self):
        self.lock = threading.Lock()
        self.faults = []

    @staticmethod
    def validate(spec):
        unknown = set(spec) - set(FaultSet.FIELDS)
        if unknown:
            raise ValueError("unknown fault field(s): %s" % ", ".join(sorted(unknown)))
        fault = {k: spec.get(k) for k in FaultSet.FIELDS}
        fault["count"] = int(fault["count"] if fault["count"] is not None else 1)
        if fault["count"] < 1:
            raise ValueError("count must be at least 1")
        if fault["method"]:
            fault["method"] = fault["method"].upper()
        if fault["path_prefix"] and not fault["path_prefix"].startswith("/"):
            raise ValueError("path_prefix must start with '/'")
        for key in ("status", "latency_ms"):
            if fault[key] is not None:
                fault[key] = int(fault[key])
        if fault["status"] is not None and not 100 <= fault["status"] <= 599:
            raise ValueError("status must be an HTTP status code")
        if fault["body"] is not None and fault["body"] not in BODY_FAULTS:
            raise ValueError("body must be one of %s" % ", ".join(BODY_FAULTS))
        fault["reset_connection"] = bool(fault["reset_connection"])
        write_fault = validate_write_fault(fault)
        if not (fault["status"] or fault["latency_ms"] or fault["body"] or fault["reset_connection"]
                or write_fault):
            raise ValueError("a fault needs status, latency_ms, body, reset_connection or after_apply")
        return fault

    def add(self, spec):
        fault = self.validate(spec)
        with self.lock:
            self.faults.append(fault)
        return dict(fault)

    def take(self, req):
        """The fault for this request (count decremented), or None."""
        with self.lock:
            for fault in self.faults:
                if self._matches(fault, req):
                    if skip_write_fault(fault):
                        continue
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    @staticmethod
    def _matches(fault, req):
        if fault["api"] and fault["api"] != req.api:
            return False
        if fault["method"] and fault["method"] != req.method:
            return False
        prefix = fault["path_prefix"]
        if prefix and prefix != "/":
            base = prefix.rstrip("/")
            if not (req.path == base or req.path.startswith(base + "/")):
                return False
        return True

    def list(self):
        with self.lock:
            return [dict(f) for f in self.faults]

    def clear(self):
        with self.lock:
            self.faults = []


# --------------------------------------------------------------------------
# Read faults: answers a client must not take for a success (kept apart from
# the faults above). Each kind answers a matching request in its own way:
#
#   redirect      3xx (``status``, default 307) with a Location; the API is
#                 not called, so nothing is applied
#   empty         ``status`` (default 200) with an empty body; not applied
#   null          200 with the body ``null``; not applied
#   envelope      the API's failure envelope with ``status`` (default 200):
#                 glance {"success":false,"error":{"status":S,"message":M}}
#                 (S from ``value``, default 422), glocher {"status":"ERR",
#                 "message":M}; not applied
#   scalar-items  the real answer with the items of its row list replaced by
#                 scalars (their ids)
#   total         the real answer with the list's total replaced by the raw
#                 JSON text ``value`` (1.5, 1e3, true, "7", 1, ...)
#   same-page     the answer to the first page whatever page was asked, with
#                 glance's hasMore true (a server that ignores paging)
#   endless       every page answers the first page's rows under fresh ids
#                 and glance's hasMore true (a listing that never ends)
#   gzip-bomb     200, Content-Encoding gzip, chunked: a gzip stream that
#                 inflates to ``megabytes`` MB (default 100) of a JSON list
#                 padded with spaces, compressed as it is sent (never held)
#   drip          200 announcing ``value`` bytes (default 100000) of body and
#                 sending one space every ``interval_ms`` (default 200)
#   body          ``status`` (default 200) with the raw text ``value`` as its
#                 body (a 2xx that is no success: {"status":"FAILED"}); not
#                 applied
#   short-list    the real answer (the request is applied) with its first list
#                 of objects cut to its first ``value`` entries (default 0)

READ_FAULT_KINDS = ("redirect", "empty", "null", "envelope", "scalar-items", "total", "same-page", "endless",
                    "gzip-bomb", "drip", "body", "short-list")

# Where each API's list answers carry their total.
TOTAL_PATHS = {"glance": ("pagination", "total"), "gcommerce": ("params", "total_items"),
               "extend": ("paginationInfo", "totalResources")}
# The query parameter that names the page.
PAGE_PARAMS = ("page", "pageNumber", "pageOffset")
_RAW = "\u0000raw-json\u0000"  # a placeholder replaced by raw JSON text after dumping


class ReadFaultSet(FaultSet):
    """Read faults waiting for matching requests (matching as FaultSet's)."""

    FIELDS = ("api", "method", "path_prefix", "kind", "status", "value", "megabytes", "interval_ms", "count")

    @staticmethod
    def validate(spec):
        unknown = set(spec) - set(ReadFaultSet.FIELDS)
        if unknown:
            raise ValueError("unknown read fault field(s): %s" % ", ".join(sorted(unknown)))
        fault = {k: spec.get(k) for k in ReadFaultSet.FIELDS}
        if fault["kind"] not in READ_FAULT_KINDS:
            raise ValueError("kind must be one of %s" % ", ".join(READ_FAULT_KINDS))
        fault["count"] = int(fault["count"] if fault["count"] is not None else 1)
        if fault["count"] < 1:
            raise ValueError("count must be at least 1")
        if fault["method"]:
            fault["method"] = fault["method"].upper()
        if fault["path_prefix"] and not fault["path_prefix"].startswith("/"):
            raise ValueError("path_prefix must start with '/'")
        for key in ("status", "megabytes", "interval_ms"):
            if fault[key] is not None:
                fault[key] = int(fault[key])
        status = fault["status"]
        if status is not None and not 100 <= status <= 599:
            raise ValueError("status must be an HTTP status code")
        if fault["kind"] == "redirect" and status is not None and not 300 <= status <= 399:
            raise ValueError("a redirect's status is 3xx")
        if fault["kind"] in ("total", "body") and fault["value"] is None:
            raise ValueError("a %s fault needs value (raw text)" % fault["kind"])
        if fault["kind"] == "envelope" and fault["api"] not in ("glance", "glocher"):
            raise ValueError("envelope faults exist for api glance and glocher")
        return fault


def _first_row_list(obj):
    """The first list of objects in an answer (breadth first), or None."""
    queue = [obj]
    while queue:
        value = queue.pop(0)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
        if isinstance(value, dict):
            queue.extend(value.values())
        elif isinstance(value, list):
            queue.extend(value)
    return None


def _rewrite(resp, change):
    """The response with its JSON body passed through ``change(obj)``
    (which may store _RAW, replaced by raw text ``change.raw``)."""
    try:
        obj = loads(resp.body.decode("utf-8"))
    except ValueError:
        return resp
    raw = change(obj)
    text = dumps(obj)
    if raw is not None:
        text = text.replace(json.dumps(_RAW), raw)
    out = Response(resp.status, text, [h for h in resp.headers if h[0].lower() != "content-length"])
    return out


def _with_page(req, page):
    """A copy of req asking for another page."""
    params = [(k, page if k in PAGE_PARAMS else v) for k, v in req.params]
    return Request(req.method, req.api, req.path, urllib.parse.urlencode(params), req.headers, req.body)


def _set_more(obj):
    if isinstance(obj, dict) and isinstance(obj.get("pagination"), dict):
        obj["pagination"]["hasMore"] = True


def read_fault_response(sim, api, req, fault):
    """The Response for a read fault that answers with a plain body (every
    kind but gzip-bomb and drip, which stream)."""
    kind = fault["kind"]
    if kind == "redirect":
        return Response(fault["status"] or 307, b"", [("Location", "/%s/elsewhere%s" % (api.prefix, req.path))])
    if kind == "empty":
        return Response(fault["status"] or 200, b"")
    if kind == "null":
        return Response(200, b"null")
    if kind == "envelope":
        message = "Injected failure envelope"
        if api.prefix == "glance":
            body = {"success": False, "error": {"status": int(fault["value"] or 422), "message": message}}
        else:
            body = {"status": "ERR", "message": message}
        return Response.json(fault["status"] or 200, body)
    if kind == "body":
        return Response(fault["status"] or 200, str(fault["value"]).encode("utf-8"))
    if kind == "same-page":
        resp = sim.call_api(api, _with_page(req, "1"))
        return _rewrite(resp, _set_more)
    # endless: the first page's rows under new ids, whatever page was asked
    resp = sim.call_api(api, _with_page(req, "1") if kind == "endless" else req)
    if kind == "scalar-items":
        def change(obj):
            rows = _first_row_list(obj)
            if rows is not None:
                rows[:] = [r.get("id", i + 1) for i, r in enumerate(rows)]
        return _rewrite(resp, change)
    if kind == "short-list":
        def change(obj):
            rows = _first_row_list(obj)
            if rows is not None:
                del rows[int(fault["value"] or 0):]
        return _rewrite(resp, change)
    if kind == "total":
        def change(obj):
            outer, key = TOTAL_PATHS.get(api.prefix, ("", ""))
            if isinstance(obj, dict) and isinstance(obj.get(outer), dict):
                obj[outer][key] = _RAW
            return fault["value"]
        return _rewrite(resp, change)
    if kind == "endless":
        page = 0
        for name in PAGE_PARAMS:
            if req.param(name) is not None:
                page = int(req.param(name))

        def change(obj):
            rows = _first_row_list(obj)
            for i, r in enumerate(rows or []):
                if "id" in r:
                    r["id"] = 1000000 * page + i + 1
            _set_more(obj)
        return _rewrite(resp, change)
    raise ValueError("read fault %s does not answer with a plain body" % kind)


def serve_read_fault(handler, sim, api, req, fault, entry):
    """Answers req through ``handler`` (a Handler) as ``fault`` says; the log
    entry is finished with the status before the body goes out (a streamed
    body may never be read to its end)."""
    kind = fault["kind"]
    if kind in ("gzip-bomb", "drip"):
        sim.log.finish(entry, 200)
    if kind == "gzip-bomb":
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        gz = zlib.compressobj(1, zlib.DEFLATED, 31)
        spaces = b" " * (1 << 20)

        def chunk(data):
            if data:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        chunk(gz.compress(b'{"success":true,"data":['))
        for _ in range(fault["megabytes"] or 100):
            chunk(gz.compress(spaces))
        chunk(gz.compress(b'],"pagination":{"total":0,"hasMore":false}}') + gz.flush())
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()
        return
    if kind == "drip":
        length = int(fault["value"] or 100000)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.wfile.flush()
        for _ in range(length):
            time.sleep((fault["interval_ms"] or 200) / 1000.0)
            handler.wfile.write(b" ")
            handler.wfile.flush()
        return
    resp = read_fault_response(sim, api, req, fault)
    sim.log.finish(entry, resp.status)
    handler._send(resp)


# --------------------------------------------------------------------------
# Configuration


class Config:
    """Run-time settings ``<api>.<name>``; values keep the type of their
    default (ints stay ints, booleans accept true/false/1/0)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.defaults = {}
        self.values = {}

    def declare(self, api, defaults):
        for name, value in defaults.items():
            self.defaults["%s.%s" % (api, name)] = value
        self.reset()

    def reset(self):
        with self.lock:
            self.values = dict(self.defaults)

    def get(self, key):
        with self.lock:
            return self.values[key]

    def set(self, key, value):
        if key not in self.defaults:
            raise ValueError("unknown config key %r; known: %s" % (key, ", ".join(sorted(self.defaults))))
        default = self.defaults[key]
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.lower() not in ("true", "false", "1", "0", "on", "off", "yes", "no"):
                    raise ValueError("%s takes true or false" % key)
                value = value.lower() in ("true", "1", "on", "yes")
            value = bool(value)
        elif isinstance(default, int):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValueError("%s takes an integer" % key) from None
        elif isinstance(default, str):
            value = str(value)
        with self.lock:
            self.values[key] = value
        return value

    def all(self):
        with self.lock:
            return dict(self.values)


# --------------------------------------------------------------------------
# Rate limiting


class FixedWindowLimiter:
    """Counts requests per key in fixed windows (e.g. 60 s from the first
    request of the window). ``hit`` returns (count in window, window end as
    epoch seconds)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.windows = {}

    def hit(self, key, window_seconds, now=None):
        now = time.time() if now is None else now
        with self.lock:
            start, count = self.windows.get(key, (now, 0))
            if now - start >= window_seconds:
                start, count = now, 0
            count += 1
            self.windows[key] = (start, count)
            return count, start + window_seconds

    def reset(self):
        with self.lock:
            self.windows = {}


# --------------------------------------------------------------------------
# API modules


class SimAPI:
    """Base class of an API module. Subclasses set ``prefix`` and
    ``config_defaults`` and implement ``reset`` and ``handle``."""

    prefix = None
    config_defaults = {}
    implemented = True

    def __init__(self, config):
        self.config = config

    def cfg(self, name):
        return self.config.get("%s.%s" % (self.prefix, name))

    def reset(self, seed):
        pass

    def handle(self, req):
        raise NotImplementedError

    def error_response(self, status, message, req=None):
        """An error in this API's own format (used for injected faults and
        unexpected exceptions)."""
        return Response.json(status, {"error": message})

    def fault_response(self, req, status, retry_after=None):
        """The answer to a request failed on purpose with ``status``."""
        try:
            message = http.HTTPStatus(status).phrase
        except ValueError:
            message = "Error"
        resp = self.error_response(status, message, req)
        if retry_after is not None:
            resp.add_header("Retry-After", retry_after)
        return resp

    def log_view(self, req):
        """(query, body text) as the request log shows them: an API whose
        secrets travel in parameters or bodies masks them here."""
        return req.query, req.text

    def state(self, collection, params):
        """The remote state of a collection as a list of objects, filtered by
        ``params`` (a dict of strings), for ``simctl state``."""
        raise ValueError("no state for %s/%s" % (self.prefix, collection))

    def patch(self, collection, key, field, value):
        """Sets one stored field to a raw JSON value, bypassing validation, so
        tests can make the API return data a client must reject
        (``simctl patch glance inventory 12 quantity '"lots"'``)."""
        raise ValueError("no patch for %s/%s" % (self.prefix, collection))


class PlaceholderAPI(SimAPI):
    """Stands for an API whose module does not exist yet."""

    implemented = False

    def __init__(self, config, prefix):
        super().__init__(config)
        self.prefix = prefix

    def handle(self, req):
        return Response.json(404, {"error": "not implemented in simulator"})


def load_api(name, config):
    """The module ``name``'s API instance, or a placeholder if there is none."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return PlaceholderAPI(config, name)
    api = module.API(config)
    config.declare(api.prefix, api.config_defaults)
    return api


# --------------------------------------------------------------------------
# The simulator: dispatch and control endpoints


class Simulator:
    def __init__(self, seed=1, log_file=None):
        self.seed = seed
        self.config = Config()
        self.log = RequestLog(log_file)
        self.faults = FaultSet()
        self.read_faults = ReadFaultSet()
        # One lock serialises the APIs' state changes; latency faults sleep
        # outside it, so a slow request never blocks the others.
        self.lock = threading.RLock()
        # API requests being served, and the most at once since the last
        # clear (proves that a client sends requests concurrently).
        self.flight_lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.apis = {name: load_api(name, self.config) for name in API_NAMES}
        self.reset(seed)

    def flight(self, delta):
        with self.flight_lock:
            self.in_flight += delta
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def reset(self, seed=None):
        if seed is not None:
            self.seed = seed
        with self.lock:
            self.config.reset()
            self.faults.clear()
            self.read_faults.clear()
            self.log.clear()
            with self.flight_lock:
                self.max_in_flight = self.in_flight
            for api in self.apis.values():
                api.reset(self.seed)

    def call_api(self, api, req):
        with self.lock:
            try:
                return api.handle(req)
            except BadRequest as exc:
                return api.error_response(400, str(exc), req)
            except Exception as exc:  # a simulator bug: answer 500, keep serving
                import traceback
                traceback.print_exc()
                return api.error_response(500, "Internal simulator error: %s" % exc, req)

    # ---- control endpoints (/_sim/...), never logged

    def control(self, method, segments, params, body):
        """Returns (status, object) for a control request."""
        def need(m):
            if method != m:
                raise LookupError()

        try:
            data = loads(body.decode("utf-8")) if body.strip() else {}
            route = "/".join(segments)
            api = params.get("api")
            if api is not None and api not in self.apis:
                raise ValueError("unknown api %r" % api)
            if route == "health":
                return 200, {"ok": True, "apis": {n: a.implemented for n, a in self.apis.items()}}
            if route == "reset":
                need("POST")
                seed = data.get("seed", params.get("seed"))
                self.reset(int(seed) if seed is not None else None)
                return 200, {"ok": True, "seed": self.seed}
            if route == "log":
                need("GET")
                return 200, {"entries": self.log.list(api)}
            if route == "log/count":
                need("GET")
                return 200, {"count": len(self.log.list(api))}
            if route == "log/clear":
                need("POST")
                return 200, {"entries": self.log.clear(api)}
            if route == "in-flight":
                need("GET")
                with self.flight_lock:
                    return 200, {"now": self.in_flight, "max": self.max_in_flight}
            if route == "in-flight/clear":
                need("POST")
                with self.flight_lock:
                    self.max_in_flight = self.in_flight
                return 200, {"ok": True}
            if route == "faults":
                if method == "GET":
                    return 200, {"faults": self.faults.list()}
                need("POST")
                return 200, {"fault": self.faults.add(plain(data))}
            if route == "faults/clear":
                need("POST")
                self.faults.clear()
                self.read_faults.clear()
                return 200, {"ok": True}
            if route == "read-faults":
                if method == "GET":
                    return 200, {"faults": self.read_faults.list()}
                need("POST")
                return 200, {"fault": self.read_faults.add(plain(data))}
            if route == "config":
                if method == "GET":
                    return 200, {"config": self.config.all()}
                need("POST")
                if "key" not in data:
                    raise ValueError("config needs key and value")
                value = self.config.set(data["key"], plain(data.get("value")))
                return 200, {"key": data["key"], "value": value}
            if len(segments) == 3 and segments[0] == "patch":
                need("POST")
                target = self.apis.get(segments[1])
                if target is None:
                    raise ValueError("unknown api %r" % segments[1])
                with self.lock:
                    target.patch(segments[2], str(data.get("id")), data.get("field"), data.get("value"))
                return 200, {"ok": True}
            if len(segments) == 3 and segments[0] == "state":
                need("GET")
                target = self.apis.get(segments[1])
                if target is None:
                    raise ValueError("unknown api %r" % segments[1])
                with self.lock:
                    items = target.state(segments[2], params)
                return 200, {"items": items}
            return 404, {"error": "unknown control endpoint /_sim/%s" % route}
        except LookupError:
            return 405, {"error": "method not allowed"}
        except (ValueError, TypeError) as exc:
            return 400, {"error": str(exc)}


# --------------------------------------------------------------------------
# HTTP server


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "commerce-sim/1.0"
    sim = None  # set by make_server

    def log_message(self, fmt, *args):  # quiet: the request log says it all
        pass

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    # ---- reading

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    # ---- writing

    def _send(self, resp, body_fault=None):
        body = resp.body
        if body_fault == "malformed":
            body = MALFORMED_BODY
        elif body_fault == "empty":
            body = b""
        self.send_response(resp.status)
        for name, value in resp.headers:
            if body_fault in ("malformed", "empty") and name.lower() == "content-type":
                value = "application/json; charset=utf-8"
            self.send_header(name, value)
        if body_fault == "truncated":
            # Announce the whole body, send half of it, then hang up.
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset_connection(self):
        """Drops the connection without an answer (an RST, not a FIN)."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    # ---- dispatch

    def _dispatch(self):
        try:
            self._dispatch_inner()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client went away (e.g. a timeout)

    def _dispatch_inner(self):
        sim = self.sim
        target = self.path
        if target.startswith("http://") or target.startswith("https://"):
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        path, sep, query = target.partition("?")
        query = query if sep else None
        body = self._read_body()

        if path == "/_sim" or path.startswith("/_sim/"):
            segments = [urllib.parse.unquote(s) for s in path.split("/")[2:] if s]
            params = dict(urllib.parse.parse_qsl(query or "", keep_blank_values=True))
            status, obj = sim.control(self.command, segments, params, body)
            self._send(Response.json(status, obj))
            return

        m = re.match(r"^/([^/]+)(/.*)?$", path)
        api = sim.apis.get(m.group(1)) if m else None
        if api is None:
            self._send(Response.json(404, {"error": "unknown api; paths start with /%s" % "/, /".join(API_NAMES)}))
            return
        req = Request(self.command, api.prefix, m.group(2) or "/", query,
                      {k: v for k, v in self.headers.items()}, body)
        entry = sim.log.add(req, api.log_view(req))
        finished = False
        sim.flight(1)
        try:
            read_fault = sim.read_faults.take(req)
            if read_fault:
                finished = True
                serve_read_fault(self, sim, api, req, read_fault, entry)
                return
            fault = sim.faults.take(req)
            if fault and fault["latency_ms"]:
                time.sleep(fault["latency_ms"] / 1000.0)
            if fault and fault["reset_connection"]:
                self._reset_connection()
                return
            if fault and fault["status"]:
                resp = api.fault_response(req, fault["status"], fault["retry_after"])
            else:
                resp = sim.call_api(api, req)
            # recorded before answering, so the log is complete once the
            # client has its answer
            sim.log.finish(entry, resp.status)
            finished = True
            if fault and fault.get("after_apply"):
                answer_after_apply(self, fault, resp)
                return
            self._send(resp, fault["body"] if fault else None)
        finally:
            sim.flight(-1)
            if not finished:
                sim.log.finish(entry, None)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # A client hanging up (timeouts, cancelled queries) is routine here.
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)


def make_server(sim, host="127.0.0.1", port=0):
    """An HTTP server for ``sim`` (not yet serving); port 0 picks a free one."""
    handler = type("BoundHandler", (Handler,), {"sim": sim})
    server_class = Server
    if ":" in host:  # an IPv6 address such as ::1
        server_class = type("Server6", (Server,), {"address_family": socket.AF_INET6})
    return server_class((host, port), handler)
