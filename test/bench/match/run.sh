#!/usr/bin/env bash
# test/bench/match/run.sh [N] [SHARED_DIR]
#
# Patient-matching benchmark (not part of the tests): N generated identities
# (default 1,000,000; names drawn from the FEBRL sets in SHARED_DIR, default
# ../shared) with realistic errors, then generate.sql and bench.sql: one
# lookup through the GIN index vs a sequential scan scoring every row vs
# the dmetaphone/pg_trgm lookup a DBA writes; match_train and
# match_clusters vs the same linkage in plain SQL with fuzzystrmatch and
# pg_trgm.  Prints a Markdown table (test/bench/results/match.md keeps the
# latest).  Uses the server in PGHOST/PGPORT (database pgc_bench_match,
# kept for inspection) or starts a throwaway cluster.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=${1:-1000000}
SHARED=${2:-$HERE/../../../../shared}
F=$(cd "$SHARED" && pwd)/data/febrl
[ -f "$F/dataset1.csv" ] || { echo "no $F/dataset1.csv" >&2; exit 2; }
. "$HERE/../../../scripts/lib.sh"
CLUSTER=""
trap '[ -n "$CLUSTER" ] && cluster_remove "$CLUSTER"' EXIT
if [ -z "${PGHOST:-}" ]; then
	CLUSTER=$(mktemp -d /tmp/pgc_bench_match.XXXXXX); chmod 755 "$CLUSTER"
	cluster_start "$CLUSTER"
fi
export PGUSER=${PGUSER:-postgres}
DB=pgc_bench_match
PGOPTIONS="-c client_min_messages=warning" psql_q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql_q -d "$DB" -c "CREATE EXTENSION pg_clinical" -c "CREATE EXTENSION fuzzystrmatch" -c "CREATE EXTENSION pg_trgm"
say "generating $N identities"
t0=$(date +%s)
PGOPTIONS="-c client_min_messages=warning" psql_q -d "$DB" -v n="$N" -v f1="$F/dataset1.csv" \
	-v f2="$F/dataset2.csv" -v f3="$F/dataset3.csv" -f "$HERE/generate.sql" >/dev/null
say "generated in $(( $(date +%s) - t0 )) s; measuring"
PGOPTIONS="-c client_min_messages=warning" psql_q -d "$DB" -f "$HERE/bench.sql" >/dev/null
psql_q -d "$DB" -At -F $'\t' -c "SELECT k, v FROM bench_result ORDER BY k" | python3 "$HERE/report.py"
