#!/usr/bin/env python3
"""Runs every ```sql block of README.md and docs/*.md against the simulator,
page by page, block by block in page order; exits non-zero when one fails.

Each page runs in a database of its own (docs_<page>), created with the
extension. A page whose blocks use another page's objects says so in a
comment line of its first block that needs them:

    -- requires: docs/glance.md

and the runner runs that page's blocks first, in the same database (once).
A block opened with ```sql norun is not run (keep these for what cannot run
here: another extension such as pg_cron, a production URL).

What the runner changes before sending a block, so that examples written for
production reach the simulator (and only those):
  * CREATE SERVER ... OPTIONS (api 'X' ...): base_url becomes the simulator's
    X endpoint (for extend, the client segment of the documented base_url is
    kept), and rate_limit_per_minute '0' is added unless the block sets one;
  * CREATE USER MAPPING ... SERVER s OPTIONS (...): each secret option gets
    the simulator's test credential of s's API.
Everything else runs as written.

Environment: PGHOST/PGPORT/PGUSER (the test cluster), SIM_URL and SIMCTL (the
simulator), as scripts/lib.sh sets them. Usage: run_docs.py [page.md ...]
"""
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIM_URL = os.environ.get("SIM_URL", "http://127.0.0.1:8765")
SIMCTL = os.environ.get("SIMCTL", "python3 " + os.path.join(ROOT, "test/simulator/simctl.py"))

CREDENTIALS = {
    "glance": {"api_key": "glance-test-key"},
    "gcommerce": {"email": "vendor@example.com", "api_key": "gcommerce-test-key"},
    "glocher": {"email": "api@glocher.test", "password": "glocher-test-pass"},
    "extend": {"username": "extend-user", "password": "extend-pass"},
}

FENCE = re.compile(r"^(\s*)```(\w*)(.*)$")
REQUIRES = re.compile(r"--\s*requires:\s*(\S+\.md)")


def pages():
    found = [os.path.join(ROOT, "README.md")]
    docs = os.path.join(ROOT, "docs")
    found += [os.path.join(docs, f) for f in sorted(os.listdir(docs)) if f.endswith(".md")]
    return found


def blocks(path):
    """The page's ```sql blocks: (line number, text, runnable)."""
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(2):
            i += 1
            continue
        indent, lang, rest = m.group(1), m.group(2), m.group(3)
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and not FENCE.match(lines[i]):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        i += 1
        if lang == "sql":
            out.append((start, "\n".join(body), "norun" not in rest.split()))
    return out


def rel(path):
    return os.path.relpath(path, ROOT)


class Runner:
    def __init__(self):
        self.failures = 0
        self.ran = 0

    def psql(self, db, sql):
        return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", "-"],
                              input=sql, text=True, capture_output=True)

    def rewrite_servers(self, sql, servers):
        def server(m):
            stmt = m.group(0)
            name = m.group(1).strip('"')
            api_m = re.search(r"\bapi\s+'(\w+)'", stmt)
            if not api_m:
                return stmt
            api = api_m.group(1)
            servers[name] = api
            path = ""
            url_m = re.search(r"\bbase_url\s+'([^']*)'", stmt)
            if url_m:
                if api == "extend":
                    seg = re.search(r"(/RESTAPI/.*)$", url_m.group(1))
                    path = seg.group(1) if seg else ""
                stmt = stmt[:url_m.start()] + stmt[url_m.end():]
                stmt = re.sub(r",\s*,", ",", stmt)
                stmt = re.sub(r"\(\s*,", "(", stmt)
                stmt = re.sub(r",\s*\)", ")", stmt)
            extra = f"base_url '{SIM_URL}/{api}{path}'"
            if "rate_limit_per_minute" not in stmt:
                extra += ", rate_limit_per_minute '0'"
            return re.sub(r"OPTIONS\s*\(", "OPTIONS (" + extra + ", ", stmt, count=1)
        return re.sub(r"CREATE\s+SERVER\s+(\"[^\"]+\"|\w+)[^;]*?OPTIONS\s*\([^;]*?\)", server, sql,
                      flags=re.IGNORECASE | re.DOTALL)

    def rewrite_mappings(self, sql, servers, db):
        def mapping(m):
            stmt = m.group(0)
            name = m.group(1).strip('"')
            api = servers.get(name) or self.server_api(db, name)
            creds = CREDENTIALS.get(api, {})
            for key, value in creds.items():
                stmt = re.sub(r"\b" + key + r"\s+'[^']*'", f"{key} '{value}'", stmt)
            return stmt
        return re.sub(r"USER\s+MAPPING\s+FOR\s+\S+\s+SERVER\s+(\"[^\"]+\"|\w+)\s+OPTIONS\s*\([^;]*?\)", mapping, sql,
                      flags=re.IGNORECASE | re.DOTALL)

    def server_api(self, db, name):
        r = self.psql(db, "\\pset tuples_only on\n\\pset format unaligned\n"
                          "SELECT substring(o FROM 5) FROM pg_foreign_server, unnest(srvoptions) o "
                          f"WHERE srvname = '{name}' AND o LIKE 'api=%';\n")
        return r.stdout.strip()

    def run_page(self, path, db, done, servers):
        if path in done:
            return
        done.add(path)
        for line, text, runnable in blocks(path):
            for req in REQUIRES.findall(text):
                self.run_page(os.path.join(ROOT, req), db, done, servers)
            if not runnable:
                continue
            sql = self.rewrite_mappings(self.rewrite_servers(text, servers), servers, db)
            self.ran += 1
            r = self.psql(db, sql)
            where = f"{rel(path)}:{line}"
            if r.returncode != 0:
                self.failures += 1
                print(f"FAILED {where} (in {db})\n--- block as run:\n{sql}\n--- psql said:\n{r.stderr.strip()}\n")
            else:
                print(f"ok     {where}")

    def run(self, only):
        subprocess.run(shlex.split(SIMCTL) + ["reset"], check=True, capture_output=True)
        for path in pages():
            if only and rel(path) not in only:
                continue
            if not blocks(path):
                continue
            page = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0].lower())
            db = "docs_" + page
            subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {db}"],
                           check=True, capture_output=True)
            subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", f"CREATE DATABASE {db}"], check=True)
            text = "\n".join(t for _, t, _ in blocks(path))
            if not re.search(r"CREATE EXTENSION (IF NOT EXISTS )?commerce_fdw", text, re.IGNORECASE):
                self.psql(db, "CREATE EXTENSION commerce_fdw;")
            subprocess.run(shlex.split(SIMCTL) + ["reset"], check=True, capture_output=True)
            subprocess.run(shlex.split(SIMCTL) + ["config", "gcommerce.rate_limit_per_minute", "0"], check=True,
                           capture_output=True)
            self.run_page(path, db, set(), {})
        print(f"{self.ran - self.failures} passed, {self.failures} failed")
        return 1 if self.failures else 0


if __name__ == "__main__":
    sys.exit(Runner().run(set(sys.argv[1:])))
