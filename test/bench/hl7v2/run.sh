#!/usr/bin/env bash
# test/bench/hl7v2/run.sh — the HL7 v2 benchmark (not part of `make test`).
#
#   bash test/bench/hl7v2/run.sh
#
# 1. generates 100,000 messages once into build/bench/ (BENCH_OUT to change;
#    deterministic seed;
#    delete build/bench/hl7v2_messages.* to regenerate; BENCH_COUNT to change)
# 2. against ONE server (PGHOST/PGPORT when PGHOST is set, else a throwaway
#    cluster): loads them as text, as hl7v2 and as hl7_to_jsonb() jsonb, and
#    times (best of 3, no parallel workers) path access vs jsonb #>> and the
#    SQL parse rate (bench.sql)
# 3. python3-hl7's hl7.parse rate on the first PY_COUNT (default 20,000) of
#    the same messages, single process (bench_python.py)
# 4. the C core benchmark test/bench/hl7v2_core_bench.c when it exists
# 5. writes the table to test/bench/results/hl7v2.md (RESULTS to change)
#
# The extension must be installed (make && make install).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../scripts/lib.sh
. "$HERE/../../../scripts/lib.sh"
ensure_packages python3-hl7

COUNT=${BENCH_COUNT:-100000}
PY_COUNT=${PY_COUNT:-20000}
[ "$PY_COUNT" -le "$COUNT" ] || PY_COUNT=$COUNT
OUT=${BENCH_OUT:-$TOP/build/bench}
RESULTS=${RESULTS:-$TOP/test/bench/results/hl7v2.md}
DB=pgc_bench_hl7v2
mkdir -p "$OUT" "$(dirname "$RESULTS")"

if [ ! -s "$OUT/hl7v2_messages.copy" ] || [ ! -s "$OUT/hl7v2_messages.hl7" ] ||
	[ "$(tail -n1 "$OUT/hl7v2_messages.copy" | cut -f1)" != "$COUNT" ]; then
	say "generating $COUNT messages into $OUT"
	/usr/bin/python3 "$HERE/gen_messages.py" "$OUT" "$COUNT"
fi

CLUSTER=""
cleanup() {
	if [ -n "$CLUSTER" ]; then
		cluster_remove "$CLUSTER"
	else
		"$PG_BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "${PGHOST:-}" ]; then
	CLUSTER=$(mktemp -d /tmp/pgc_bench_hl7v2.XXXXXX)
	cluster_start "$CLUSTER"
	# room for the three tables in shared buffers; the throwaway cluster is ours
	as_cluster_owner "$PG_BIN/psql" -X -q -d postgres -c "ALTER SYSTEM SET shared_buffers = '1GB'" >/dev/null
	as_cluster_owner "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w restart >/dev/null
fi
export PGUSER=${PGUSER:-postgres}

psql_q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >/dev/null
psql_q -d "$DB" -c "CREATE EXTENSION pg_clinical" >/dev/null ||
	die "CREATE EXTENSION pg_clinical failed: build and install it first (make && make install)"
printf "\\copy bench_src FROM '%s'\n" "$OUT/hl7v2_messages.copy" >"$OUT/load.sql"
say "loading and timing in SQL (this takes a few minutes)"
"$PG_BIN/psql" -X -q -d "$DB" -v loadfile="$OUT/load.sql" -v pysubset="$PY_COUNT" \
	-f "$HERE/bench.sql" >"$OUT/sql.out" 2>&1 || { cat "$OUT/sql.out" >&2; die "bench.sql failed"; }
cat "$OUT/sql.out"

say "python3-hl7 on the first $PY_COUNT messages"
/usr/bin/python3 "$HERE/bench_python.py" "$OUT/hl7v2_messages.copy" "$PY_COUNT" | tee "$OUT/python.out"

CORE_SRC=$TOP/test/bench/hl7v2_core_bench.c
: >"$OUT/core.out"
if [ -f "$CORE_SRC" ]; then
	say "C core benchmark"
	# shellcheck disable=SC2046
	if gcc -std=c11 -O2 -I"$TOP/include" $(find "$TOP/src/core" -name '*.c') "$CORE_SRC" \
		-o "$OUT/hl7v2_core_bench" 2>"$OUT/core.build.log"; then
		"$OUT/hl7v2_core_bench" -n "${CORE_ROUNDS:-3}" "$OUT/hl7v2_messages.hl7" | tee "$OUT/core.out"
	else
		cat "$OUT/core.build.log" >&2
		say "the core benchmark did not compile; skipped"
	fi
else
	say "no $CORE_SRC; core benchmark skipped"
fi

/usr/bin/python3 "$HERE/report.py" "$OUT" "$RESULTS" "$COUNT" "$PY_COUNT"
say "results written to $RESULTS"
