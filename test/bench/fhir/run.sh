#!/usr/bin/env bash
# FHIR benchmark (not part of the test suite): loading the same resources
# into a fhir column (strict validation) and into a jsonb column, in one run
# on one server; XML -> fhir throughput.  Writes test/bench/results/fhir.md.
# Usage: bash test/bench/fhir/run.sh [/path/to/shared]   (N=100000 by default)
set -uo pipefail
SHARED=${1:-$(dirname "$0")/../../../../shared}
. "$(dirname "$0")/../../../scripts/lib.sh"
cd "$TOP"
N=${N:-100000}
OUT=${BENCH_OUT:-build/bench}
mkdir -p "$OUT"
[ -s "$OUT/fhir_resources_$N.ndjson" ] ||
	python3 test/bench/fhir/gen_resources.py "$N" "$OUT/fhir_resources_$N.ndjson"

CLUSTER_DIR=""
cleanup() { [ -n "$CLUSTER_DIR" ] && cluster_remove "$CLUSTER_DIR"; return 0; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "${PGHOST:-}" ]; then
	CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pgc_bench_fhir.XXXXXX")
	chmod 755 "$CLUSTER_DIR"
	cluster_start "$CLUSTER_DIR"
	echo "shared_buffers = '1GB'" >>"$CLUSTER_DIR/data/postgresql.conf"
	as_cluster_owner "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -w restart >/dev/null
fi
export PGUSER=${PGUSER:-postgres}
DB=pgc_bench_fhir
psql_q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
python3 test/bench/fhir/bench.py "$SHARED/data/fhir" "$OUT/fhir_resources_$N.ndjson" \
	"$PG_BIN/psql" "$DB" test/bench/results/fhir.md
rc=$?
psql_q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
exit $rc
