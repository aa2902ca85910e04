#!/usr/bin/env bash
# Installs the Debian 12 packages tally needs to build, test and fuzz, when
# they are missing. Uses sudo when not run as root. Safe to run again.
set -euo pipefail

pkgs=(
    build-essential cmake pkg-config git       # the toolchain
    clang clang-format libclang-rt-14-dev      # second compiler, format check, libFuzzer
    libmd4c-dev libxml2-dev libutf8proc-dev    # Markdown, HTML, Unicode
    libsqlite3-dev nettle-dev libcsv-dev       # the store: SQLite, SHA-256, CSV
    sqlite3                                    # the store's tests check files with it
    libpq-dev                                  # the store on a PostgreSQL server
    postgresql-15 postgresql-common            # the tests' throwaway server (pg_virtualenv)
    libjansson-dev jq                          # JSON feeds and the test tools
    gperf                                      # the lexicon's perfect hash
    liblinear-dev                              # the extractor's learned decisions (tally train)
    python3                                    # ../shared/tools/score-claims in the tests
    iso-codes                                  # ISO 3166-1 countries (data for src/extract/actor.c)
    libmicrohttpd-dev                          # tally serve: the HTTP server
    libcurl4-openssl-dev                       # tally fetch: the HTTP client
    curl wrk                                   # the API's tests (curl) and make bench (wrk)
    chromium                                   # the dashboard's browser tests
)
# Node.js and npm run the browser tests (playwright-core, from npm): the
# machine's own when it has them, else Debian's.
command -v node >/dev/null || pkgs+=(nodejs)
command -v npm >/dev/null || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
# npm packages of the browser tests, as web/package-lock.json pins them
npm_deps() {
    local web
    web="$(dirname "$0")/../web"
    if [ ! -d "$web/node_modules/playwright-core" ] || [ ! -d "$web/node_modules/axe-core" ]; then
        echo "deps: npm ci --prefix web" >&2
        npm ci --prefix "$web" --no-audit --no-fund >/dev/null
    fi
}
if [ ${#missing[@]} -eq 0 ]; then
    npm_deps
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi
echo "deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_deps
