#!/usr/bin/env python3
"""Sizes the code keeps: no source file in src/ over 500 lines, no function over 80 lines.

A table's declaration in src/apis reads as data: it may run to 120 lines, past which the table is split.
Functions are found by their braces (comments, strings and character literals stripped first): a `{` at
namespace or class level whose header has a parameter list and no `=` opens a function; everything until
its matching `}` (lambdas included) counts. Exit 1, with one line per excess, when a limit is passed.
"""
import pathlib
import re
import sys

FILE_LIMIT = 500
FUNCTION_LIMIT = 80
DECLARATION_LIMIT = 120

ROOT = pathlib.Path(__file__).resolve().parent.parent


def strip(text):
    """Comments, strings and character literals blanked, newlines kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text):
    """(name, first line, last line) of each function body in the stripped text."""
    found = []
    stack = []  # scope kinds: ns, class, func, block
    header_start = 0
    line = 1
    starts = []
    for i, c in enumerate(text):
        if c == "\n":
            line += 1
        elif c in ";":
            if not stack or stack[-1] in ("ns", "class"):
                header_start = i + 1
        elif c == "{":
            header = text[header_start:i]
            top = stack[-1] if stack else "ns"
            if top in ("func", "block"):
                kind = "block"
            elif re.search(r'\bnamespace\b|\bextern\s*""', header):
                kind = "ns"
            elif re.search(r"\b(class|struct|union|enum)\b[^()]*$", header):
                kind = "class"
            elif ")" in header and "=" not in header.split("(")[0]:
                kind = "func"
            else:
                kind = "block"
            stack.append(kind)
            if kind == "func":
                name = re.findall(r"([~\w:<>]+)\s*\(", header)
                first = line - text[header_start:i].lstrip().count("\n")
                starts.append((name[0] if name else "?", first))
            header_start = i + 1
        elif c == "}":
            kind = stack.pop() if stack else "ns"
            if kind == "func":
                name, first = starts.pop()
                found.append((name, first, line))
            if not stack or stack[-1] in ("ns", "class"):
                header_start = i + 1
    return found


def main():
    problems = []
    for path in sorted((ROOT / "src").rglob("*")):
        if path.suffix not in (".cpp", ".h"):
            continue
        rel = path.relative_to(ROOT)
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > FILE_LIMIT:
            problems.append("%s: %d lines (limit %d)" % (rel, lines, FILE_LIMIT))
        limit = DECLARATION_LIMIT if rel.parts[1] == "apis" else FUNCTION_LIMIT
        for name, first, last in functions(strip(text)):
            if last - first + 1 > limit:
                problems.append("%s:%d: %s is %d lines (limit %d)" % (rel, first, name, last - first + 1, limit))
    for p in problems:
        print(p)
    if problems:
        print("check_sizes: %d over the limits" % len(problems))
        return 1
    print("check_sizes: every file within %d lines, every function within %d (declarations %d)"
          % (FILE_LIMIT, FUNCTION_LIMIT, DECLARATION_LIMIT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
