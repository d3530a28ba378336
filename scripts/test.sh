#!/usr/bin/env bash
# scripts/test.sh — the README's test command (make test).
#
# Installs what is missing (Debian), builds and installs pg_clinical, starts a
# throwaway cluster (or uses the server named by PGHOST/PGPORT/PGDATABASE),
# then runs every suite: pg_regress (sql/ -> expected/), the isolation specs
# (test/isolation/), the core's C unit tests under ASan+UBSan, and the fuzz
# smoke runs.  The cluster is stopped and removed whatever happens.  Ends with
# one line "N passed, N failed" over all suites; exits non-zero on a failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"

PASSED=0
FAILED=0
FAILED_SUITES=""
CLUSTER_DIR=""

cleanup() {
	local rc=$?
	if [ -n "$CLUSTER_DIR" ]; then
		say "stopping the throwaway cluster and removing $CLUSTER_DIR"
		cluster_remove "$CLUSTER_DIR"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'echo; say "interrupted"; exit 130' INT TERM

count() {	# suite passed failed
	PASSED=$((PASSED + $2))
	FAILED=$((FAILED + $3))
	say "$1: $2 passed, $3 failed"
	[ "$3" -gt 0 ] && FAILED_SUITES="$FAILED_SUITES $1"
	return 0
}

ensure_packages
build_and_install

if [ -n "${PGHOST:-}${PGPORT:-}${PGDATABASE:-}" ]; then
	say "using the existing server (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-})"
	"$PG_BIN/pg_isready" -q || die "no server answers at PGHOST=${PGHOST:-} PGPORT=${PGPORT:-}"
else
	CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pg_clinical_test.XXXXXX")
	chmod 755 "$CLUSTER_DIR"
	cluster_start "$CLUSTER_DIR"
fi

# ---- pg_regress ------------------------------------------------------------
say "pg_regress: sql/ -> expected/"
rm -rf results regression.diffs regression.out
make -s installcheck PG_CONFIG="$PG_CONFIG" >build/regress.log 2>&1
cat build/regress.log | grep -E '^(test |ok |not ok |     |     )|\.\.\.' || true
# PostgreSQL 13-15: "test name ... ok"; 16+: "ok 1 - name" / "not ok 1 - name"
rp=$(grep -cE '(\.\.\. +ok)|^ok [0-9]+ ' build/regress.log)
rf=$(grep -cE '(\.\.\. +FAILED)|^not ok [0-9]+ ' build/regress.log)
if [ "$rp" -eq 0 ] && [ "$rf" -eq 0 ]; then
	tail -20 build/regress.log
	rf=1	# pg_regress itself failed
fi
if [ -s regression.diffs ]; then
	say "regression diffs"
	cat regression.diffs
fi
count pg_regress "$rp" "$rf"

# ---- isolation specs -------------------------------------------------------
PGXS_DIR=$(dirname "$(dirname "$($PG_CONFIG --pgxs)")")
ISO=$PGXS_DIR/test/isolation/pg_isolation_regress
specs=$(ls test/isolation/specs/*.spec 2>/dev/null | xargs -r -n1 basename | sed 's/\.spec$//' | sort)
if [ -n "$specs" ]; then
	say "isolation specs: $(echo $specs)"
	rm -rf build/isolation && mkdir -p build/isolation
	# shellcheck disable=SC2086
	"$ISO" --inputdir=test/isolation --outputdir=build/isolation \
		--bindir="$PG_BIN" --dbname=pg_clinical_isolation \
		--load-extension=pg_clinical $specs >build/isolation.log 2>&1
	grep -E '\.\.\.|^(not )?ok ' build/isolation.log || true
	ip=$(grep -cE '(\.\.\. +ok)|^ok [0-9]+ ' build/isolation.log)
	if_=$(grep -cE '(\.\.\. +FAILED)|^not ok [0-9]+ ' build/isolation.log)
	if [ "$ip" -eq 0 ] && [ "$if_" -eq 0 ]; then tail -20 build/isolation.log; if_=1; fi
	[ -s build/isolation/regression.diffs ] && cat build/isolation/regression.diffs
	count isolation "$ip" "$if_"
else
	say "isolation specs: none yet"
fi

# ---- core unit tests under sanitizers ---------------------------------------
say "core unit tests (ASan + UBSan)"
make -s unit >build/unit.log 2>&1
grep -E '^(FAIL|    )' build/unit.log || true
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' build/unit.log | tail -1)
if [ -n "$line" ]; then
	up=${line%% passed*}; uf=${line#*, }; uf=${uf%% failed*}
	# a sanitizer report after the count is a failure too
	grep -qE 'ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:' build/unit.log && uf=$((uf + 1))
else
	tail -30 build/unit.log; up=0; uf=1
fi
count unit "$up" "$uf"

# ---- fuzz smoke ---------------------------------------------------------------
say "fuzz smoke runs"
bash scripts/fuzz-smoke.sh >build/fuzz.log 2>&1
grep -E '^(ok|FAIL) ' build/fuzz.log || true
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' build/fuzz.log | tail -1)
if [ -n "$line" ]; then
	fp=${line%% passed*}; ff=${line#*, }; ff=${ff%% failed*}
else
	tail -30 build/fuzz.log; fp=0; ff=1
fi
count fuzz "$fp" "$ff"

[ -n "$FAILED_SUITES" ] && say "failed suites:$FAILED_SUITES"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
