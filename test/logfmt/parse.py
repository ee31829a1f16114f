#!/usr/bin/env python3
"""A logfmt reader for the request log's test: prints, one per line, the fields
of each `commerce_fdw request:` line of a server log (from a byte offset on)
whose server is the given one, as key=repr(value) pairs (ms masked).

Usage: parse.py LOGFILE OFFSET SERVER
"""
import sys


def parse(text):
    """logfmt: key=value pairs separated by spaces; a value may be double-quoted
    with \\" \\\\ \\n \\r \\t and \\uXXXX escapes."""
    fields = {}
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] == " ":
            i += 1
        start = i
        while i < n and text[i] not in "= ":
            i += 1
        key = text[start:i]
        if i >= n or text[i] != "=":
            if key:
                fields[key] = True
            continue
        i += 1
        if i < n and text[i] == '"':
            i += 1
            value = []
            while i < n and text[i] != '"':
                c = text[i]
                if c == "\\":
                    i += 1
                    e = text[i]
                    if e == "u":
                        value.append(chr(int(text[i + 1:i + 5], 16)))
                        i += 4
                    else:
                        value.append({"n": "\n", "r": "\r", "t": "\t"}.get(e, e))
                else:
                    value.append(c)
                i += 1
            if i >= n:
                raise ValueError("unterminated quoted value: " + text)
            i += 1
            fields[key] = "".join(value)
        else:
            start = i
            while i < n and text[i] != " ":
                i += 1
            fields[key] = text[start:i]
    return fields


def main():
    path, offset, server = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read().decode("utf-8", "replace")
    marker = "commerce_fdw request:"
    for line in data.splitlines():
        at = line.find(marker)
        if at < 0:
            continue
        fields = parse(line[at + len(marker):])
        if fields.get("server") != server:
            continue
        if "ms" in fields:
            fields["ms"] = "N" if fields["ms"].isdigit() else "not a number: " + fields["ms"]
        if "query_id" in fields:
            fields["query_id"] = "N" if fields["query_id"].lstrip("-").isdigit() else "bad: " + fields["query_id"]
        print(" ".join(f"{k}={fields[k]!r}" for k in fields))


if __name__ == "__main__":
    main()
