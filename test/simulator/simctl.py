#!/usr/bin/env python3
"""Command-line control of a running simulator (the tests call it through
psql's ``\\!``).

    simctl.py [--url http://127.0.0.1:PORT] COMMAND ...

The URL defaults to $SIM_URL, else http://127.0.0.1:8765.

Commands:
  reset [--seed N]          data back to the seed; log, faults and config cleared
  log [--api A] [--clear] [--sort] [--status]
                            requests logged since the last clear, in arrival order:
                              glance GET /inventory?page=1&limit=100
                                  {"actions":[...]}        (body, canonical JSON)
                            --clear empties the log after printing; --sort orders
                            the lines (for requests sent concurrently); --status
                            appends " -> STATUS" to each request line
  log-count [--api A]       number of logged requests
  log-clear [--api A]       empty the log
  fault [--api A] [--method M] [--path-prefix P] [--status S] [--retry-after SEC]
        [--latency-ms MS] [--body malformed|truncated|empty] [--reset-connection]
        [--hang-after-apply MS | --reset-after-apply] [--skip N]
        [--count N]         fail the next N matching requests (default 1)
  read-fault KIND [--api A] [--method M] [--path-prefix P] [--status S] [--value V]
        [--megabytes N] [--interval-ms MS] [--count N]
                            answer the next N matching requests with a read
                            fault: redirect, empty, null, envelope,
                            scalar-items, total (--value raw JSON), same-page,
                            endless, gzip-bomb (--megabytes), drip
                            (--interval-ms); see README.md
  max-in-flight [--clear]   the most API requests served at once since the
                            last clear (or reset); --clear starts over
  wait-idle [--timeout-s S] wait until no API request is being served (a
                            latency fault a client gave up on finishes first;
                            default 10 s, then exit 1)
  faults                    list pending faults (read faults after the others)
  fault-clear               drop pending faults (read faults too)
  config [KEY VALUE]        set a setting (e.g. glance.page_cap 100); no args: print all
  state API COLLECTION [--FIELD VALUE ...]
                            remote objects as canonical JSON, one per line
                            (e.g. state glance inventory --id 251)
  health                    exit 0 when the simulator answers
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from core import canonical_json, format_log_entry, loads  # noqa: E402


class SimError(Exception):
    pass


def call(url, method, path, params=None, body=None):
    """One control request; returns the decoded JSON answer."""
    target = url.rstrip("/") + "/_sim/" + path
    if params:
        target += "?" + urllib.parse.urlencode([(k, v) for k, v in params.items() if v is not None])
    data = json.dumps(body).encode("utf-8") if body is not None else (b"" if method == "POST" else None)
    req = urllib.request.Request(target, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            message = loads(exc.read().decode("utf-8")).get("error")
        except ValueError:
            message = None
        raise SimError(message or "HTTP %d" % exc.code) from None
    except urllib.error.URLError as exc:
        raise SimError("cannot reach the simulator at %s: %s" % (url, exc.reason)) from None


def out(text):
    """Writes UTF-8 whatever the locale says."""
    sys.stdout.buffer.write((text + "\n").encode("utf-8"))


def print_entries(entries, sort=False, status=False):
    lines = []
    for entry in entries:
        text = format_log_entry(entry)
        if status:
            head, sep, rest = text.partition("\n")
            code = entry.get("status")
            text = head + " -> " + (str(code) if code is not None else "no answer") + sep + rest
        lines.append(text)
    if sort:
        lines.sort()
    for text in lines:
        out(text)


def parse_state_filters(words):
    """``--id 251 --sku X`` → {"id": "251", "sku": "X"}."""
    filters = {}
    i = 0
    while i < len(words):
        word = words[i]
        if not word.startswith("--"):
            raise SimError("state filters are --FIELD VALUE pairs, got %r" % word)
        name, eq, value = word[2:].partition("=")
        if not eq:
            if i + 1 >= len(words):
                raise SimError("%s needs a value" % word)
            i += 1
            value = words[i]
        filters[name] = value
        i += 1
    return filters


def main(argv=None):
    parser = argparse.ArgumentParser(prog="simctl.py", description="control the commerce API simulator",
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("Commands:", 1)[1])
    parser.add_argument("--url", default=os.environ.get("SIM_URL") or "http://127.0.0.1:8765",
                        help="simulator base URL (default $SIM_URL or http://127.0.0.1:8765)")
    sub = parser.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("reset")
    p.add_argument("--seed", type=int)

    p = sub.add_parser("log")
    p.add_argument("--api")
    p.add_argument("--clear", action="store_true")
    p.add_argument("--sort", action="store_true")
    p.add_argument("--status", action="store_true")

    p = sub.add_parser("log-count")
    p.add_argument("--api")

    p = sub.add_parser("log-clear")
    p.add_argument("--api")

    p = sub.add_parser("fault")
    p.add_argument("--api")
    p.add_argument("--method")
    p.add_argument("--path-prefix")
    p.add_argument("--status", type=int)
    p.add_argument("--retry-after", type=int)
    p.add_argument("--latency-ms", type=int)
    p.add_argument("--body", choices=["malformed", "truncated", "empty"])
    p.add_argument("--reset-connection", action="store_true")
    p.add_argument("--hang-after-apply", type=int, metavar="MS")
    p.add_argument("--reset-after-apply", action="store_true")
    p.add_argument("--skip", type=int)
    p.add_argument("--count", type=int, default=1)

    p = sub.add_parser("read-fault")
    p.add_argument("kind")
    p.add_argument("--api")
    p.add_argument("--method")
    p.add_argument("--path-prefix")
    p.add_argument("--status", type=int)
    p.add_argument("--value")
    p.add_argument("--megabytes", type=int)
    p.add_argument("--interval-ms", type=int)
    p.add_argument("--count", type=int, default=1)

    p = sub.add_parser("max-in-flight")
    p.add_argument("--clear", action="store_true")
    p = sub.add_parser("wait-idle")
    p.add_argument("--timeout-s", type=float, default=10.0)
    sub.add_parser("faults")
    sub.add_parser("fault-clear")

    p = sub.add_parser("config")
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")

    p = sub.add_parser("state")
    p.add_argument("api")
    p.add_argument("collection")
    p.add_argument("filters", nargs=argparse.REMAINDER)

    p = sub.add_parser("patch")
    p.add_argument("api")
    p.add_argument("collection")
    p.add_argument("id")
    p.add_argument("field")
    p.add_argument("value", help="the new raw value, as JSON (e.g. '\"lots\"' or 12)")

    sub.add_parser("health")

    args = parser.parse_args(argv)
    url = args.url
    try:
        if args.cmd == "reset":
            call(url, "POST", "reset", body={"seed": args.seed} if args.seed is not None else {})
        elif args.cmd == "log":
            if args.clear:
                entries = call(url, "POST", "log/clear", {"api": args.api})["entries"]
            else:
                entries = call(url, "GET", "log", {"api": args.api})["entries"]
            print_entries(entries, sort=args.sort, status=args.status)
        elif args.cmd == "log-count":
            out(str(call(url, "GET", "log/count", {"api": args.api})["count"]))
        elif args.cmd == "log-clear":
            call(url, "POST", "log/clear", {"api": args.api})
        elif args.cmd == "fault":
            spec = {"api": args.api, "method": args.method, "path_prefix": args.path_prefix,
                    "status": args.status, "retry_after": args.retry_after, "latency_ms": args.latency_ms,
                    "body": args.body, "reset_connection": args.reset_connection, "count": args.count}
            if args.hang_after_apply is not None and args.reset_after_apply:
                raise SimError("--hang-after-apply and --reset-after-apply exclude each other")
            if args.hang_after_apply is not None:
                spec.update(after_apply="hang", hang_ms=args.hang_after_apply)
            if args.reset_after_apply:
                spec["after_apply"] = "reset"
            if args.skip:
                spec["skip"] = args.skip
            call(url, "POST", "faults", body={k: v for k, v in spec.items() if v is not None})
        elif args.cmd == "read-fault":
            spec = {"kind": args.kind, "api": args.api, "method": args.method, "path_prefix": args.path_prefix,
                    "status": args.status, "value": args.value, "megabytes": args.megabytes,
                    "interval_ms": args.interval_ms, "count": args.count}
            call(url, "POST", "read-faults", body={k: v for k, v in spec.items() if v is not None})
        elif args.cmd == "faults":
            for fault in call(url, "GET", "faults")["faults"]:
                out(canonical_json(fault))
            for fault in call(url, "GET", "read-faults")["faults"]:
                out(canonical_json(fault))
        elif args.cmd == "max-in-flight":
            out(str(call(url, "GET", "in-flight")["max"]))
            if args.clear:
                call(url, "POST", "in-flight/clear")
        elif args.cmd == "wait-idle":
            deadline = time.monotonic() + args.timeout_s
            while call(url, "GET", "in-flight")["now"] > 0:
                if time.monotonic() > deadline:
                    raise SimError("requests still being served after %g s" % args.timeout_s)
                time.sleep(0.05)
        elif args.cmd == "fault-clear":
            call(url, "POST", "faults/clear")
        elif args.cmd == "config":
            if args.key is None:
                for key, value in sorted(call(url, "GET", "config")["config"].items()):
                    out("%s %s" % (key, canonical_json(value)))
            elif args.value is None:
                raise SimError("config takes KEY VALUE")
            else:
                call(url, "POST", "config", body={"key": args.key, "value": args.value})
        elif args.cmd == "state":
            filters = parse_state_filters(args.filters)
            path = "state/%s/%s" % (urllib.parse.quote(args.api, safe=""),
                                    urllib.parse.quote(args.collection, safe=""))
            for item in call(url, "GET", path, filters)["items"]:
                out(canonical_json(item))
        elif args.cmd == "patch":
            path = "patch/%s/%s" % (urllib.parse.quote(args.api, safe=""),
                                    urllib.parse.quote(args.collection, safe=""))
            try:
                value = json.loads(args.value)
            except ValueError:
                raise SimError("patch VALUE must be JSON, e.g. '\"text\"' or 12")
            call(url, "POST", path, body={"id": args.id, "field": args.field, "value": value})
        elif args.cmd == "health":
            call(url, "GET", "health")
    except SimError as exc:
        sys.stderr.write("simctl: %s\n" % exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
