#!/usr/bin/env bash
# Runs an end-to-end script on PostgreSQL: a throwaway cluster is made for
# it in a temporary folder (initdb and pg_ctl of Debian's postgresql-15, as
# the postgres user when run as root), listening only on a socket in that
# folder, so that runs at the same time never meet. The script runs with
# TALLY_TEST_PG=1 and PGHOST, PGPORT, PGUSER, PGDATABASE naming the server;
# the cluster is stopped and removed afterwards, whatever happens (a trap).
# Exits with the script's status; 77 (skipped) when PostgreSQL is not
# installed (scripts/deps.sh installs it).
# Usage: with_pg.sh SCRIPT ARGS...
set -u
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
    echo "skip: PostgreSQL is not installed (scripts/deps.sh installs postgresql-15)"
    exit 77
fi
dir=$(mktemp -d /tmp/tally-pg.XXXXXX)
as=()
if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses root: the cluster is the postgres user's
    chown postgres "$dir"
    as=(runuser -u postgres --)
fi
stop() {
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
if ! "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 1
fi
# a role that must give its password (the tests of a refused password)
sed -i '1i local all tally_pw scram-sha-256' "$dir/data/pg_hba.conf"
if ! "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-k $dir -p 5432 -c listen_addresses='' -c fsync=off -c max_connections=100" \
    start >/dev/null; then
    cat "$dir/log" >&2
    exit 1
fi
export TALLY_TEST_PG=1 PGHOST=$dir PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
unset PGPASSWORD PGSERVICE
bash "$@"
