#!/usr/bin/env bash
# End-to-end tests of tally serve: every endpoint of the JSON API, compared
# with the command line's output for the same query; bad parameters (400
# with a message), unknown paths (404), other methods (405), oversized
# requests (413/414/431, as JSON), malformed requests, HEAD, loopback by
# default, SIGTERM (exit 0); a database changing while it is served; slow
# connections (bench/slowloris.py); an empty file is not served.
# The same checks on SQLite and on PostgreSQL (tests/e2e/with_pg.sh).
# Usage: api.sh TALLY SOURCE_DIR   (needs curl, jq, python3, and sqlite3 or psql)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs curl jq python3
if on_pg; then e2e_needs psql createdb; else e2e_needs sqlite3; fi

DB=$(new_db api)
"$TALLY" import -q --db "$DB" >/dev/null 2>&1
"$TALLY" ingest -q --db "$DB" "$SRC/examples" >/dev/null 2>"$T/err"

# raw BYTES: sends BYTES (with Python's backslash escapes) on a connection
# of its own; the response's body in $T/out, its status in $code (000 when
# none came).
raw() {
    python3 - "${URL}" "$1" >"$T/raw" 2>/dev/null <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=10)
s.sendall(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except OSError:
    pass
sys.stdout.buffer.write(data)
PY
    code=$(head -n 1 "$T/raw" | sed -n 's|^HTTP/1\.[01] \([0-9][0-9][0-9]\) .*|\1|p')
    [ -n "$code" ] || code=000
    sed '1,/^\r*$/d' "$T/raw" >"$T/out"
}

# cli OUT ARGS...: the command line's output for the same query.
cli() {
    local out=$1
    shift
    "$TALLY" "$@" --db "$DB" >"$out" 2>/dev/null
}

start_server "$DB"
if [ -z "$URL" ]; then
    fail "serve starts" "no address printed: $(cat "$T/serve.out" "$T/serve.err")"
    finish
    exit 1
fi
pass
case "$URL" in
http://127.0.0.1:*) pass ;;
*) fail "binds loopback by default" "$URL" ;;
esac
port=${URL##*:}
port=${port%/}
if command -v ss >/dev/null; then
    if ss -ltn | grep -q "127.0.0.1:$port "; then pass; else fail "listens on 127.0.0.1 only" "$(ss -ltn | grep ":$port ")"; fi
fi

# ---- assets ----------------------------------------------------------------

get /
expect_code "GET /" 200
if cmp -s "$T/out" "$SRC/web/index.html"; then pass; else fail "GET / is web/index.html" "differs"; fi
if grep -qi '^content-type: text/html' "$T/head"; then pass; else fail "GET / is HTML" "$(cat "$T/head")"; fi
if grep -qi "^content-security-policy: default-src 'self'" "$T/head"; then pass; else fail "CSP header" "$(cat "$T/head")"; fi
if grep -qi '^x-content-type-options: nosniff' "$T/head"; then pass; else fail "nosniff header" "$(cat "$T/head")"; fi
get /assets/app.js
expect_code "GET /assets/app.js" 200
if cmp -s "$T/out" "$SRC/web/app.js"; then pass; else fail "app.js is web/app.js" "differs"; fi
get /assets/style.css
expect_code "GET /assets/style.css" 200
if grep -qi '^content-type: text/css' "$T/head"; then pass; else fail "style.css is CSS" "$(cat "$T/head")"; fi
# no path from the URL reaches the file system
for p in /assets/../CMakeLists.txt /assets/%2e%2e/CMakeLists.txt /web/index.html /assets/ /index.html \
    /etc/passwd /assets/app.js/; do
    get "$p" --path-as-is
    expect_code "no file at $p" 404
done

# ---- HEAD, methods, sizes --------------------------------------------------------

code=$(curl -s -I -o "$T/head" -w '%{http_code}' "${URL}api/meta")
expect_code "HEAD /api/meta" 200
if grep -qi '^content-type: application/json' "$T/head"; then pass; else fail "HEAD has the headers" "$(cat "$T/head")"; fi
for m in POST PUT DELETE PATCH OPTIONS; do
    get /api/meta -X "$m"
    expect_error "$m is 405" 405 "not allowed"
    if grep -qi '^allow: GET, HEAD' "$T/head"; then pass; else fail "$m: Allow header" "$(cat "$T/head")"; fi
done
get /api/claims -X GET --data-binary 'x=1' -H 'Content-Type: text/plain'
expect_error "a GET with a body is 413" 413 "no body"
long=$(head -c 3000 /dev/zero | tr '\0' 'a')
get "/api/claims?source=$long"
expect_error "a long URL is 414" 414 "longer than 2048"
huge=$(head -c 100000 /dev/zero | tr '\0' 'a')
get "/api/claims?source=$huge"
expect_error "a huge URL is 414, in JSON" 414 "longer than"
get /api/meta -H "X-Big: $huge"
expect_error "a huge header is 431, in JSON" 431 "larger than"
lines=()
for i in $(seq 1 70); do lines+=(-H "X-Line-$i: $i"); done
get /api/meta "${lines[@]}"
expect_error "too many header lines: 431, in JSON" 431 "header lines"
get /api/meta -H "Cookie: $(printf 'c%d=1; ' $(seq 1 200))"
expect_error "too many cookies: 431, in JSON" 431 "cookies"
get /api/meta -H "Cookie: $(printf 'c%d=1; ' $(seq 1 20))"
expect_code "a few cookies are fine" 200
get /api/meta -H "Cookie: c=$(head -c 5000 /dev/zero | tr '\0' 'a')"
expect_error "a long cookie: 431, in JSON" 431 "cookies longer than"
# every limit of the gate reached at once (64 query pieces, 40 header lines
# with curl's 3, 32 cookies in 4,000 bytes, ~8 KB): it all fits in what
# libmicrohttpd has for a connection, so the server itself answers
lines=()
for i in $(seq 1 36); do lines+=(-H "X-Line-$i: $(head -c 80 /dev/zero | tr '\0' 'v')"); done
cookie=$(for i in $(seq 1 32); do printf 'c%02d=%s; ' "$i" "$(head -c 115 /dev/zero | tr '\0' 'k')"; done)
get "/api/claims?$(head -c 63 /dev/zero | tr '\0' '&')limit=2" "${lines[@]}" -H "Cookie: ${cookie%; }"
expect_json "every limit at once: answered" '.limit == 2 and (.claims | length == 2)'

# ---- malformed requests: a JSON error, never a served file ------------------------------

raw 'GET /api/meta HTTP/2.0\r\nHost: x\r\n\r\n'
expect_error "HTTP/2.0 is 505" 505 "HTTP/1.0 and HTTP/1.1"
raw 'GET /api/meta HTTP/1.1\r\n\r\n'
expect_error "HTTP/1.1 without Host is 400" 400 "Host"
raw 'GET /api/meta\r\n\r\n'
expect_error "no version is 400" 400 "no HTTP version"
raw 'GET /api/\x01meta HTTP/1.1\r\nHost: x\r\n\r\n'
expect_error "a control byte in the URL is 400" 400 "percent-encode"
raw 'GET /api/meta HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'
expect_error "a malformed header line is 400" 400 "malformed header"
raw 'GET /api/meta HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n'
expect_error "a NUL in a header is 400" 400 "control byte"
raw 'GET http://x/api/meta HTTP/1.1\r\nHost: x\r\n\r\n'
expect_error "an absolute URL is 400" 400 "starting with '/'"
raw '\r\nGET /api/meta HTTP/1.0\r\n\r\n'
expect_code "an empty line before the request line, HTTP/1.0 without Host" 200
get /assets/app.js%00.png
expect_error "%00 in a path is 400, not app.js" 400 "NUL"
get "/api/claims/1%00abc"
expect_error "%00 after a claim id is 400, not claim 1" 400 "NUL"
get "/api/claims?source=a%00b"
expect_error "%00 in a value is 400" 400 "NUL byte"
get "/api/claims?source=%zz"
expect_error "a malformed escape is 400" 400 "malformed percent-escape"
get "/api/claims?source=100%"
expect_error "a lone % is 400" 400 "malformed percent-escape"

# ---- /api/meta ----------------------------------------------------------------

get /api/meta
expect_code "meta" 200
n_claims=$(sql "$DB" 'select count(*) from claims' 2>/dev/null || echo)
expect_json "meta: counts" '(.claims | type == "number") and .documents > 0 and .sources > 0'
[ -n "$n_claims" ] && expect_json "meta: claims counted" ".claims == $n_claims"
cli "$T/all" estimate --all --format json
jq -s '[.[] | {supplier, recipient, item, unit, unit_name, unit_family, clusters}]' "$T/all" >"$T/want"
jq '.series' "$T/out" >"$T/got"
expect_same "meta: the series of estimate --all" "$T/got" "$T/want"

# ---- /api/claims ------------------------------------------------------------------

get '/api/claims?supplier=PRK&recipient=RUS&item=artillery-shell&limit=1000'
expect_code "claims" 200
expect_json "claims: the page" '.offset == 0 and .limit == 1000 and .more == false and (.claims | length > 0)'
jq '[.claims[] | del(.grade)]' "$T/out" >"$T/got"
cli "$T/want.jsonl" claims --supplier PRK --recipient RUS --item artillery-shell --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "claims: the objects of tally claims --format jsonl" "$T/got" "$T/want"
get '/api/claims?supplier=North%20Korea&recipient=RUS&item=artillery-shell&limit=1000'
jq '[.claims[] | del(.grade)]' "$T/out" >"$T/got"
expect_same "claims: a state by name" "$T/got" "$T/want"
# paging: two pages make the whole
total=$(jq length "$T/want")
get '/api/claims?supplier=PRK&recipient=RUS&item=artillery-shell&limit=3'
expect_json "claims: more after a short page" '.more == true and (.claims | length == 3)'
jq '[.claims[] | del(.grade)]' "$T/out" >"$T/p1"
get "/api/claims?supplier=PRK&recipient=RUS&item=artillery-shell&limit=1000&offset=3"
expect_json "claims: the last page" ".more == false and .offset == 3 and (.claims | length == $total - 3)"
jq -s '.[0] + [.[1].claims[] | del(.grade)]' "$T/p1" "$T/out" >"$T/got"
expect_same "claims: pages in order" "$T/got" "$T/want"
get '/api/claims?kind=equivalence&since=2024&until=2024-06&source=shin&known_by=2024-12'
jq '[.claims[] | del(.grade)]' "$T/out" >"$T/got"
cli "$T/want.jsonl" claims --kind equivalence --since 2024 --until 2024-06 --source shin --known-by 2024-12 --limit 50 --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "claims: kind, dates and source" "$T/got" "$T/want"
get '/api/claims?doc=briefing&limit=1000'
jq '[.claims[] | del(.grade)]' "$T/out" >"$T/got"
cli "$T/want.jsonl" claims --doc briefing --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "claims: one document" "$T/got" "$T/want"
get '/api/claims'
expect_json "claims: 50 by default" '.limit == 50 and (.claims | length <= 50)'
# each claim with its source's grade, as the estimate weighs it
# (data/grades.tsv: officials B, outlets and authors C, Russian sources E)
get '/api/claims?limit=1000'
expect_json "claims: every claim graded A-F" 'all(.claims[]; .grade | test("^[A-F]$"))'
expect_json "claims: an official's grade" 'any(.claims[]; .source == "Shin Won-sik" and .grade == "B")'
expect_json "claims: the author's grade" 'all(.claims[]; .source != "author" or .grade == "C")'
expect_json "claims: a Russian source's grade" 'all(.claims[]; .source_country != "RUS" or .grade == "E")'
get '/api/claims/1'
expect_json "claims/ID: with its grade" '.grade | test("^[A-F]$")'

# bad parameters: 400 with a message naming the problem
get '/api/claims?supplier=XXX'
expect_error "claims: unknown state" 400 "unknown state 'XXX'"
get '/api/claims?item=tanks'
expect_error "claims: unknown item" 400 "unknown item 'tanks'"
get '/api/claims?kind=gift'
expect_error "claims: unknown kind" 400 "unknown kind 'gift'"
get '/api/claims?since=2024-13'
expect_error "claims: bad date" 400 "not a date"
get '/api/claims?limit=1001'
expect_error "claims: limit over 1000" 400 "limit"
get '/api/claims?limit=0'
expect_error "claims: limit 0" 400 "limit"
get '/api/claims?limit=1e3'
expect_error "claims: limit not a number" 400 "limit"
get '/api/claims?offset=-1'
expect_error "claims: negative offset" 400 "offset"
get '/api/claims?color=red'
expect_error "claims: unknown parameter" 400 "unknown parameter 'color'"
get '/api/claims?item=rocket&item=missile'
expect_error "claims: a parameter twice" 400 "twice"
get '/api/claims?item=&item='
expect_error "claims: a blank parameter twice" 400 "twice"
get '/api/claims?item=rocket&item='
expect_error "claims: a parameter and a blank one" 400 "twice"
get '/api/claims?item'
expect_error "claims: a parameter without a value" 400 "has no value"
get '/api/claims?item&kind=transfer'
expect_error "claims: a parameter without a value, then others" 400 "has no value"
get '/api/claims?=rocket'
expect_error "claims: a value without a name" 400 "without a name"
get '/api/claims?color='
expect_error "claims: an unknown parameter, blank" 400 "unknown parameter 'color'"
get '/api/flows?color='
expect_error "flows: an unknown parameter, blank" 400 "unknown parameter 'color'"
get /api/flows
expect_code "flows: its 400 is not the answer without it (cached)" 200
get "/api/claims?$(head -c 17 /dev/zero | tr '\0' '&')limit=2"
expect_json "claims: empty pieces before a parameter" '.limit == 2 and (.claims | length == 2)'
get "/api/claims?$(head -c 700 /dev/zero | tr '\0' '&')limit=2"
expect_error "claims: 700 empty pieces" 400 "more than 64 parameters"
get "/api/claims?$(printf 'p%d=1&' $(seq 1 17))"
expect_error "claims: 17 parameters" 400 "too many parameters"
get '/api/claims?item=&kind=&offset=0'
expect_code "claims: an empty value is no filter (a blank form field)" 200
full=$(jq '.claims | length' "$T/out")
get '/api/claims?&offset=0'
expect_json "claims: an empty parameter is ignored" ".claims | length == $full"
get "/api/claims?source=x%27%3B%20DROP%20TABLE%20claims%3B--"
expect_json "claims: SQL in a value is a value" '.claims == []'
get "/api/claims?source=%25"
expect_json "claims: % matches itself only" '.claims == []'

# ---- /api/claims/ID -----------------------------------------------------------------

id=$(jq -r 'select(.curated == false and .sentence != null) | .id' "$T/want.jsonl" | head -n 1)
get "/api/claims/$id"
expect_code "claim" 200
jq 'del(.paragraph, .sentence_in_paragraph, .grade)' "$T/out" >"$T/got"
jq --argjson id "$id" 'select(.id == $id)' "$T/want.jsonl" >"$T/want"
expect_same "claim: the object of tally claims" "$T/got" "$T/want"
expect_json "claim: its sentence within its paragraph" \
    '. as $c | ($c.paragraph | type == "string") and ($c.paragraph | contains($c.sentence))
     and $c.sentence_in_paragraph[0] < $c.sentence_in_paragraph[1]
     and $c.sentence_in_paragraph[1] - $c.sentence_in_paragraph[0] == ($c.sentence | utf8bytelength)
     and $c.sentence_in_paragraph[1] <= ($c.paragraph | utf8bytelength)'
expect_json "claim: a paragraph has no blank line" '(.paragraph | test("\n[ \t]*\n")) | not'
curated=$(jq -r 'select(.curated == true) | .id' "$T/want.jsonl" | head -n 1)
if [ -z "$curated" ]; then
    curated=$("$TALLY" claims --db "$DB" --format jsonl | jq -r 'select(.curated == true) | .id' | head -n 1)
fi
get "/api/claims/$curated"
expect_json "claim: curated rows have no paragraph" '.paragraph == null and .sentence_in_paragraph == null and .curated == true'
get /api/claims/999999
expect_error "claim: unknown id" 404 "no claim 999999"
get /api/claims/abc
expect_error "claim: bad id" 400 "not a claim id"
get /api/claims/1/2
expect_code "claim: a deeper path" 400
get "/api/claims/$id?x=1"
expect_error "claim: no parameters" 400 "unknown parameter"

# ---- /api/series --------------------------------------------------------------------

get '/api/series?supplier=PRK&recipient=RUS&item=artillery-shell'
expect_code "series" 200
jq 'del(.points[].lead, .points[].cluster)' "$T/out" >"$T/got"
cli "$T/want" estimate PRK RUS artillery-shell --format json
expect_same "series: the object of tally estimate --format json" "$T/got" "$T/want"
expect_json "series: points name their lead and cluster" \
    'all(.points[]; . as $p | ($p.lead | type == "number") and any($p.claims[]; . == $p.lead) and $p.cluster >= 1)'
cp "$T/out" "$T/series"
get '/api/clusters?supplier=PRK&recipient=RUS'
# the series loads only its own claims (and what converts into them): its
# clusters are those of the pair, each led by the same claim
jq --slurpfile s "$T/series" '[$s[0].points[] | .lead] - [.[] | .lead] == []' "$T/out" >"$T/got"
if [ "$(cat "$T/got")" = true ]; then pass; else fail "series: its clusters' leads are those of /api/clusters" "$(cat "$T/got")"; fi
get '/api/series?item=munitions&recipient=RUS&supplier=PRK&unit=container&at=2024-10-31&known_by=2024-06'
cli "$T/want" estimate PRK RUS munitions --unit container --at 2024-10-31 --known-by 2024-06 --format json
jq 'del(.points[].lead, .points[].cluster)' "$T/out" >"$T/got"
expect_same "series: unit, at and known_by" "$T/got" "$T/want"
get '/api/series?supplier=PRK&recipient=RUS&item=artillery-shell'
jq 'del(.points[].lead, .points[].cluster)' "$T/out" >"$T/got"
cli "$T/want" estimate PRK RUS artillery-shell --format json
expect_same "series: the same again (cached)" "$T/got" "$T/want"
get '/api/series?supplier=PRK&recipient=RUS'
expect_error "series: item needed" 400 "give supplier, recipient and item"
get '/api/series?supplier=PRK&recipient=RUS&item=fuel'
expect_error "series: nothing to estimate" 404 "no transfer of fuel"
get '/api/series?supplier=PRK&recipient=RUS&item=munitions&unit=zzz'
expect_error "series: a unit without claims" 404 "no claims of munitions"
get '/api/series?supplier=PRK&recipient=RUS&item=munitions&unit=con%20tainer'
expect_error "series: a malformed unit" 400 "unit"
get '/api/series?supplier=PRK&recipient=RUS&item=munitions&at=soon'
expect_error "series: bad at" 400 "at: 'soon' is not a date"
get '/api/series?supplier=PRK&recipient=RUS&item=munitions&draws=10'
expect_error "series: unknown parameter" 400 "unknown parameter 'draws'"

# ---- /api/flows ------------------------------------------------------------------------

get /api/flows
expect_code "flows" 200
jq -s . "$T/all" >"$T/want"
expect_same "flows: the lines of estimate --all --format json" "$T/out" "$T/want"
get '/api/flows?at=2024-06'
cli "$T/want.jsonl" estimate --all --at 2024-06 --format json
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "flows: at a date" "$T/out" "$T/want"
get '/api/flows?at=June'
expect_error "flows: bad at" 400 "not a date"
get '/api/flows?known_by=2023-06-30'
cli "$T/want.jsonl" estimate --all --known-by 2023-06-30 --format json
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "flows: known by a date, as estimate --all --known-by" "$T/out" "$T/want"
expect_json "flows: known by a date leaves later series out" "length < $(jq -s length "$T/all")"
get '/api/flows?known_by=soon'
expect_error "flows: bad known_by" 400 "not a date"

# ---- /api/rank ------------------------------------------------------------------------

get '/api/rank?state=RUS&at=2024-12-31'
expect_code "rank" 200
cli "$T/want.jsonl" rank RUS --to --at 2024-12-31 --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "rank: the lines of tally rank --format jsonl" "$T/out" "$T/want"
get '/api/rank?state=Russia&direction=from&by=people&known_by=2024-06-30&at=2024-06-30'
expect_code "rank: from, by people, known by" 200
cli "$T/want.jsonl" rank RUS --from --by people --known-by 2024-06-30 --at 2024-06-30 --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "rank: from, by people, known by: tally rank's" "$T/out" "$T/want"
get '/api/rank'
expect_error "rank: no state" 400 "give state"
get '/api/rank?state=RUS&by=weight'
expect_error "rank: bad by" 400 "by: value, count, share or people"
get '/api/rank?state=RUS&direction=up'
expect_error "rank: bad direction" 400 "direction: to or from"
get '/api/rank?state=Atlantis'
expect_code "rank: unknown state" 400

# ---- /api/clusters, /api/sources, /api/contradictions ----------------------------------------

get '/api/clusters?supplier=PRK&recipient=RUS&item=munitions'
expect_code "clusters" 200
cli "$T/want.jsonl" clusters --supplier PRK --recipient RUS --item munitions --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "clusters: the objects of tally clusters --format jsonl" "$T/out" "$T/want"
get /api/clusters
cli "$T/want.jsonl" clusters --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "clusters: all" "$T/out" "$T/want"
get '/api/clusters?limit=5'
expect_error "clusters: no paging" 400 "unknown parameter 'limit'"
get /api/sources
expect_code "sources" 200
cli "$T/want.jsonl" sources --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "sources: the objects of tally sources --format jsonl" "$T/out" "$T/want"
get /api/contradictions
expect_code "contradictions" 200
cli "$T/want.jsonl" check --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "contradictions: the objects of tally check --format jsonl" "$T/out" "$T/want"
get '/api/contradictions?known_by=2024-02-25'
cli "$T/want.jsonl" check --known-by 2024-02-25 --format jsonl
jq -s . "$T/want.jsonl" >"$T/want"
expect_same "contradictions: known by a date, as tally check --known-by" "$T/out" "$T/want"
get '/api/contradictions?supplier=PRK'
expect_error "contradictions: no filters" 400 "unknown parameter"

# ---- unknown paths ----------------------------------------------------------------------

for p in /api /api/ /api/claim /api/series/PRK /API/meta /favicon.ico/x; do
    get "$p"
    expect_code "404 for $p" 404
done
get /favicon.ico
expect_code "no icon, and no error for the browser to log" 204
get /api/nothing
expect_error "404 says so" 404 "no such path"
expect_json "errors are JSON" '.error | type == "string"'

# ---- slow connections -----------------------------------------------------------------------
# 600 connections trickling their head (more than the server's 512 and the
# gate's 256 slots): every normal request still gets through; the oldest
# slow ones are dropped with a JSON 503. Then 100 (fewer than the slots),
# a header line a second: each is answered 408 when its head is not
# complete 10 s after it started, however many bytes it sent.

if python3 "$SRC/bench/slowloris.py" "${URL}api/meta" --slow 600 --duration 5 --normal 30 \
    --timeout 3 --check >"$T/slow" 2>&1; then
    pass
else
    fail "600 slow connections lock no one out" "$(tr '\n' ' ' <"$T/slow")"
fi
if python3 "$SRC/bench/slowloris.py" "${URL}api/meta" --slow 100 --interval 1 --duration 13 \
    --normal 30 --timeout 3 --check >"$T/slow" 2>&1 && grep -q ' 100 408 (JSON)' "$T/slow"; then
    pass
else
    fail "a head trickling past 10 s is answered 408" "$(tr '\n' ' ' <"$T/slow")"
fi
get /api/meta
expect_code "serves after the attacks" 200

# ---- the database changes while it is served ---------------------------------------------
# Every commit is seen by the next request: no read transaction is kept
# between requests (reading a claim's sentence once pinned the worker to
# the database as it was), cached results (meta, flows) are dropped when the
# database's data version changes, and the server never keeps a checkpoint
# from emptying the WAL. One thread: the same worker answers each request.

kill -TERM "$PID"
wait "$PID"
PID=
start_server "$DB" --threads 1
get /api/meta
claims0=$(jq .claims "$T/out")
get /api/flows
get "/api/claims/$id"
expect_code "changes: a claim and its sentence" 200
cat >"$T/fresh.txt" <<'EOF'
url: https://example.org/tally-test/fresh-while-served
title: Fresh
date: 2024-05-02

North Korea sent 4200 containers of munitions to Russia, Shin Won-sik said.
EOF
"$TALLY" ingest -q --db "$DB" "$T/fresh.txt" >/dev/null 2>&1
get '/api/claims?doc=fresh'
expect_json "changes: a document ingested while served is served" \
    '.claims | length == 1 and .[0].low == 4200 and .[0].doc == "fresh"'
fresh=$(jq '.claims[0].id' "$T/out")
get "/api/claims/$fresh"
expect_json "changes: the new claim by id" '.low == 4200 and (.paragraph | contains("4200"))'
get /api/meta
expect_json "changes: meta counts it (cached before)" ".claims == $claims0 + 1"
get /api/flows
cli "$T/all" estimate --all --format json
jq -s . "$T/all" >"$T/want"
expect_same "changes: flows are those of the database now (cached before)" "$T/out" "$T/want"
if on_sqlite; then
    ck=$(sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' 2>&1)
    if [ "$ck" = "0|0|0" ]; then pass; else fail "changes: the server does not block a checkpoint" "$ck"; fi
    wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
    if [ "$wal" -eq 0 ]; then pass; else fail "changes: the WAL is emptied" "$wal bytes"; fi
else
    # a reader's connection holds no transaction open between requests
    idle=$(sql "$DB" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
        AND state LIKE 'idle in transaction%'")
    expect_eq "changes: the server holds no transaction open" "$idle" 0
fi

# ---- stopping -----------------------------------------------------------------------------

kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
expect_rc "SIGTERM stops it with exit 0" 0
start_server "$DB" --threads 1
[ -n "$URL" ] && pass || fail "serve starts again" "$(cat "$T/serve.err")"
get /api/meta
expect_code "one thread serves" 200
kill -INT "$PID"
wait "$PID"
rc=$?
PID=
expect_rc "SIGINT stops it with exit 0" 0

# ---- the command line ------------------------------------------------------------------------

run "$TALLY" serve --db "$T/none.db" --port 0
expect_rc "a missing database" 1
expect_err_has "a missing database: says so" "no such database"
run "$TALLY" serve --db "$DB" --port 70000
expect_rc "a bad port" 2
run "$TALLY" serve --db "$DB" --bind localhost --port 0
expect_rc "a bad address" 2
run "$TALLY" serve --help
expect_out_has "serve --help" "Usage: tally serve"
# serving never writes: an empty file is no database, and stays empty
: >"$T/empty.db"
run timeout 20 "$TALLY" serve --db "$T/empty.db" --port 0
expect_rc "an empty file" 1
expect_err_has "an empty file: says so" "an empty file, not yet a tally database"
if [ ! -s "$T/empty.db" ]; then pass; else fail "an empty file stays empty" "$(stat -c %s "$T/empty.db") bytes"; fi

finish
