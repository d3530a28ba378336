#!/usr/bin/env bash
# FHIR R4 conformance: every official R4 example (JSON and XML pairs) and the
# Synthea Bundles of ../shared/data/fhir under strict validation, and the XML
# conversions.  Usage: bash test/conformance/run-fhir.sh /path/to/shared
# Uses the server of PGHOST/PGPORT when PGHOST is set, else a throwaway
# cluster.  The extension must be installed (make install).
set -uo pipefail
SHARED=${1:-$(dirname "$0")/../../../shared}
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$TOP"
DATA=$SHARED/data/fhir
[ -d "$DATA" ] || die "no FHIR data in $DATA"
ensure_packages
OUT=build/conformance
mkdir -p "$OUT"

DB=pgc_conformance_fhir
scratch_database "$DB"

python3 test/conformance/fhir/conformance.py "$DATA" "$OUT" \
	test/conformance/fhir/known_rejections.tsv "$PG_BIN/psql" "$DB"
