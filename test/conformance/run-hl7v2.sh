#!/usr/bin/env bash
# test/conformance/run-hl7v2.sh SHARED_DIR
#
# HL7 v2 conformance over the public sample corpus SHARED_DIR/data/hl7v2
# (MANIFEST.tsv lists every file).  Loads every file into the server, checks
# accept/reject against test/conformance/hl7v2/expectations.tsv, the round
# trip against an independent Python implementation of the documented
# normalisation, and field values against python3-hl7.  Details in
# test/conformance/hl7v2/README.md.
#
# Uses the server named by PGHOST/PGPORT when PGHOST is set (creating and
# dropping the database pgc_conformance_hl7v2 there); otherwise starts a
# throwaway cluster and removes it afterwards.  The extension must be
# installed (make && make install).  Ends with
# "hl7v2 conformance: N passed, N failed" (files) and exits non-zero on any
# failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SHARED=${1:-}
[ -n "$SHARED" ] || { echo "usage: $0 SHARED_DIR (e.g. ../shared)" >&2; exit 2; }
DATA=$(cd "$SHARED" 2>/dev/null && pwd)/data/hl7v2
[ -f "$DATA/MANIFEST.tsv" ] || { echo "no $SHARED/data/hl7v2/MANIFEST.tsv" >&2; exit 2; }

# shellcheck source=../../scripts/lib.sh
. "$HERE/../../scripts/lib.sh"
ensure_packages python3-hl7

OUT=$TOP/build/conformance
mkdir -p "$OUT"
DB=pgc_conformance_hl7v2
scratch_database "$DB"

if ! psql_q -d "$DB" -c "CREATE EXTENSION pg_clinical" >/dev/null; then
	die "CREATE EXTENSION pg_clinical failed: build and install it first (make && make install)"
fi

say "HL7 v2 conformance over $DATA"
CONF_OUT=$OUT PGDATABASE=$DB /usr/bin/python3 "$HERE/hl7v2/conformance.py" "$DATA" "$PG_BIN/psql"
