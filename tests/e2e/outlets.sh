#!/usr/bin/env bash
# End-to-end tests of outlet names (data/outlets.tsv): the bundled record's
# and relations' documents carry the name of their URL's outlet (tally docs,
# /api/docs), and a database whose curated documents an earlier tally named
# by their host (outlet "en.yna.co.kr", another hash; as tally 081245c wrote
# them) takes the names on the next import in place: the same documents,
# claims, items and events, nothing doubled, then nothing changed by a third
# import. tally ingest names the outlet of a document that gives a URL and
# no outlet, and keeps an outlet the document gives.
# Usage: outlets.sh TALLY SOURCE_DIR   (needs sqlite3, jq and curl)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs sqlite3 jq curl

# counts DB: documents, claims, claim items and events, on one line
counts() {
    sqlite3 "$1" "SELECT (SELECT count(*) FROM documents) || ' ' || (SELECT count(*) FROM claims)
                  || ' ' || (SELECT count(*) FROM claim_items) || ' ' || (SELECT count(*) FROM events)"
}
# outlets DB: each document's key and outlet, sorted
outlets() {
    sqlite3 "$1" "SELECT key || '|' || coalesce(outlet, '') FROM documents ORDER BY key"
}

# ---- a fresh import names the outlets ----------------------------------------------
run "$TALLY" import --db "$T/new.db"
expect_rc "import exit" 0
run "$TALLY" docs --db "$T/new.db" --format jsonl
expect_rc "docs exit" 0
expect_jq "docs: Yonhap's article named" \
    'any(.[]; (.url | startswith("https://en.yna.co.kr/")) and .outlet == "Yonhap News Agency")'
expect_jq "docs: a yahoo.com subdomain takes yahoo.com's name" \
    'any(.[]; (.url | startswith("https://au.news.yahoo.com/")) and .outlet == "Yahoo News")'
expect_jq "docs: a host with a final dot named" \
    'any(.[]; (.url | startswith("https://carnegieendowment.org./"))
              and .outlet == "Carnegie Endowment for International Peace")'
expect_jq "docs: the relations' documents named too" \
    'any(.[]; .key == "relations:http://en.people.cn/90777/7953193.html" and .outlet == "People'"'"'s Daily Online")'
expect_jq "docs: every curated document has an outlet" 'all(.[] | select(.curated); (.outlet // "") != "")'
run "$TALLY" docs --db "$T/new.db"
expect_out_has "docs table: the outlet's name" "Yonhap News Agency"
run "$TALLY" claims --db "$T/new.db" --format jsonl
expect_jq "claims: a record row's claim carries its outlet's name" \
    'any(.[]; (.url | startswith("https://en.yna.co.kr/")) and .outlet == "Yonhap News Agency")'
# the dashboard's claims table and tooltips read /api/claims
start_server "$T/new.db"
if [ -n "$URL" ]; then
    get "/api/claims?limit=1000"
    expect_code "api: claims" 200
    expect_json "api: a record row's claim carries its outlet's name" \
        '[.. | objects | select(has("outlet") and ((.url // "") | startswith("https://en.yna.co.kr/")))]
         | length > 0 and all(.outlet == "Yonhap News Agency")'
    stop_server
else
    fail "api: the server started" "$(head -c 300 "$T/serve.err")"
fi

# ---- over a database that named outlets by host ------------------------------------
# What an earlier tally stored: the same keys, the host (www. dropped) as
# outlet, and a hash over that host, which this tally does not reproduce.
cp "$T/new.db" "$T/old.db"
sqlite3 "$T/old.db" "
  CREATE TEMP TABLE h AS SELECT id, substr(rest, 1, instr(rest || '/', '/') - 1) AS host
    FROM (SELECT id, substr(url, instr(url, '://') + 3) AS rest FROM documents WHERE url IS NOT NULL);
  UPDATE documents SET hash = 'by-host-' || id,
    outlet = (SELECT CASE WHEN host LIKE 'www.%' THEN substr(host, 5) ELSE host END
              FROM h WHERE h.id = documents.id)
    WHERE id IN (SELECT id FROM h);"
expect_eq "old: outlets are hosts" "$(sqlite3 "$T/old.db" \
    "SELECT outlet FROM documents WHERE url LIKE 'https://en.yna.co.kr/%' LIMIT 1")" "en.yna.co.kr"
want=$(counts "$T/new.db")
run "$TALLY" import --db "$T/old.db"
expect_rc "import over old: exit" 0
expect_out_has "import over old: every record replaced, none new" "records: 0 new, 0 unchanged"
expect_eq "import over old: the same documents, claims, items, events" "$(counts "$T/old.db")" "$want"
expect_eq "import over old: the outlets of a fresh import" "$(outlets "$T/old.db")" "$(outlets "$T/new.db")"
expect_eq "import over old: no key twice" \
    "$(sqlite3 "$T/old.db" "SELECT count(*) - count(DISTINCT key) FROM documents")" 0
run "$TALLY" import --db "$T/old.db"
expect_rc "import again: exit" 0
if grep -qE 'records: 0 new, [0-9]+ unchanged, 0 replaced; claims: 0 stored; events: 0 stored' "$T/out" &&
    [ "$(grep -c ' 0 replaced; claims: 0 stored; events: 0 stored' "$T/out")" -eq 2 ]; then
    pass
else
    fail "import again: nothing replaced or stored" "$(cat "$T/out")"
fi
expect_eq "import again: the same counts" "$(counts "$T/old.db")" "$want"

# ---- ingest: a URL and no outlet --------------------------------------------------
body='North Korea has sent about 1,000 containers of munitions to Russia, officials said.'
printf 'url: https://www.reuters.com/world/e2e-outlets\ntitle: t\ndate: 2024-02-27\n\n%s\n' "$body" >"$T/a.txt"
printf 'url: https://en.yna.co.kr/view/e2e-outlets\ntitle: t\noutlet: Yonhap\ndate: 2024-02-27\n\n%s\n' \
    "$body" >"$T/b.txt"
printf 'url: https://news.example.org/e2e-outlets\ntitle: t\ndate: 2024-02-27\n\n%s\n' "$body" >"$T/c.txt"
run "$TALLY" ingest --db "$T/in.db" "$T/a.txt" "$T/b.txt" "$T/c.txt"
expect_rc "ingest exit" 0
q() { sqlite3 "$T/in.db" "SELECT outlet FROM documents WHERE url = '$1'"; }
expect_eq "ingest: a URL and no outlet: the host's name" "$(q https://www.reuters.com/world/e2e-outlets)" Reuters
expect_eq "ingest: the document's own outlet kept" "$(q https://en.yna.co.kr/view/e2e-outlets)" Yonhap
expect_eq "ingest: a host not listed stands for itself" "$(q https://news.example.org/e2e-outlets)" \
    news.example.org
run "$TALLY" ingest --db "$T/in.db" "$T/a.txt" "$T/b.txt" "$T/c.txt"
expect_eq "ingest again: no document doubled" "$(sqlite3 "$T/in.db" "SELECT count(*) FROM documents")" 3

finish
