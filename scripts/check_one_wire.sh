#!/usr/bin/env bash
# Every request commerce_fdw sends is built in src/engine/wire/ (see
# docs/architecture.md, "One wire"). Fails when code elsewhere sets a request's
# method, path, query or body, joins a URL, builds a JSON body, or makes an
# ApiRequest/HttpRequest of its own. Exceptions: declarations (src/apis/
# declare.h declares endpoints and write rules, it sends nothing), an API's
# authenticate() hook adding credentials to a request the wire built, and the
# response cache (src/engine/run/cache.*, and the key Session looks up) keeping
# and filling in answers.
set -euo pipefail
cd "$(dirname "$0")/.."

fields='\.(path|body|url|method|query)[[:space:]]*(=[^=]|\+=)|query\.add\(|join_url\(|json::Builder|\.set_(raw|string)\('
# a request made empty, to be filled in here
requests='(ApiRequest|HttpRequest)[[:space:]]+[A-Za-z_]+[[:space:]]*(;|\{\})|(ApiRequest|HttpRequest)[[:space:]]*\{\}'

found=$(
  {
    grep -rnE "$fields|$requests" src/engine src/pg --include='*.cpp' --include='*.h' |
      grep -v '^src/engine/wire/' | grep -v '^src/engine/run/cache\.' |
      grep -vE 'cached\.body = e->body|k\.url = url;' || true
    grep -rnE "$requests|join_url\(|query\.add\(" src/apis --include='*.cpp' --include='*.h' || true
    # authenticate() hooks may add credentials (url, body) but build nothing else.
    grep -rnE "$fields" src/apis --include='*.cpp' | grep -vE '^src/apis/[a-z]+\.cpp:[0-9]+:\s*(req\.(url|body) (=|\+=)|json::Builder b;|b\.set_string\("token")' || true
  } | grep -v '^src/apis/declare\.h:'
)
# Writer holds a request the wire built ("ApiRequest r;", then r = requests().row(...)).
found=$(printf '%s\n' "$found" | grep -vE '^src/engine/run/modify\.cpp:[0-9]+:\s*ApiRequest r;$' | sed '/^$/d' || true)
if [ -n "$found" ]; then
  echo "requests built outside src/engine/wire/:" >&2
  printf '%s\n' "$found" >&2
  exit 1
fi
echo "one wire: every request is built in src/engine/wire/"
