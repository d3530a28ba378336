#!/usr/bin/env bash
# test/bench/audit/run.sh — the audit trail benchmark (not part of `make test`).
#
#   bash test/bench/audit/run.sh
#
# Against ONE server (PGHOST/PGPORT when PGHOST is set, else a throwaway
# cluster started here), on a ~10-column clinical table (setup.sql), pgbench
# runs txn.sql (one transaction: INSERT an observation, UPDATE it) with
# CLIENTS (default 4) clients for BENCH_SECONDS (default 10) per run, ROUNDS
# (default 7) rounds, each round running the four modes back to back (in
# reverse order every second round):
#   none     no trigger
#   audit    audit_enable(): the C trigger, entries written at commit and
#            linked onto the hash chain in batches (no waiting)
#   plpgsql  a supa_audit-like PL/pgSQL trigger (row as jsonb into a log table)
#   chained  the same PL/pgSQL trigger with a naive hash chain under
#            pg_advisory_xact_lock (held until commit)
# It reports the median tps of each mode and the ratios, and the server's CPU
# time per transaction (all its processes, read from /proc: steadier than
# tps on a shared machine, since other load changes it less), then runs pgbench
# with 8 clients for LONG_SECONDS (default 30) on the audited table and
# checks that audit_verify() is clean.  The table goes to
# test/bench/results/audit.md (RESULTS to change).
#
# The throwaway cluster runs twice: with the project's test settings
# (fsync, synchronous_commit and full_page_writes off) and durable (fsync,
# synchronous_commit and full_page_writes on, PostgreSQL's defaults);
# DURABILITY=test or DURABILITY=durable runs one of them.  With PGHOST set,
# the server's own settings are used, once.
#
# The extension must be installed (make && make install).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../scripts/lib.sh
. "$HERE/../../../scripts/lib.sh"

CLIENTS=${CLIENTS:-4}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
ROUNDS=${ROUNDS:-7}
LONG_SECONDS=${LONG_SECONDS:-30}
RESULTS=${RESULTS:-$TOP/test/bench/results/audit.md}
DB=pgc_bench_audit
MODES="none audit plpgsql chained"
PGBENCH=$PG_BIN/pgbench
mkdir -p "$(dirname "$RESULTS")"

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

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }

REPORT=$(mktemp)

# CPU ticks used so far by the server of PGHOST/PGPORT: the postmaster, its
# live children, and the children that have exited (backends, autovacuum
# workers).  Empty when its postmaster.pid cannot be read.
server_cpu_ticks() {
	local datadir pm
	datadir=$(psql_q -At -d postgres -c "SHOW data_directory" 2>/dev/null) || return 0
	pm=$(head -1 "$datadir/postmaster.pid" 2>/dev/null) || return 0
	[ -n "$pm" ] && [ -r "/proc/$pm/stat" ] || return 0
	{
		awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
		# a child may exit between ps and awk (pipefail is on)
		for c in $(ps --ppid "$pm" -o pid= 2>/dev/null); do
			awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true
		done
	} | awk '{s += $1} END {print s}' || true
}
TICK=$(getconf CLK_TCK)

# one full measurement on the server in PGHOST/PGPORT; $1 names the settings
measure() {
	local label=$1 round mode tps line
	psql_q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
	psql_q -d "$DB" -f "$HERE/setup.sql" >/dev/null
	local settings
	settings=$(psql_q -At -d "$DB" -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers')")
	say "[$label] $settings; $CLIENTS clients, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds"
	declare -A all cpu
	for mode in $MODES; do all[$mode]=""; cpu[$mode]=""; done
	for round in $(seq 1 "$ROUNDS"); do
		# odd rounds in the order of MODES, even rounds in reverse: a drift
		# of the machine's speed within a round favours no mode
		local order=$MODES
		[ $((round % 2)) -eq 0 ] && order=$(echo "$MODES" | tr ' ' '\n' | tac | xargs)
		for mode in $order; do
			psql_q -d "$DB" -c "SELECT bench_audit.set_mode('$mode')" -c "CHECKPOINT" >/dev/null ||
				die "could not switch to mode $mode"
			local t0 t1 out ntx us=""
			t0=$(server_cpu_ticks)
			out=$("$PGBENCH" -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_PER_RUN" -f "$HERE/txn.sql" "$DB" 2>&1) ||
				die "pgbench failed in mode $mode: $(echo "$out" | tail -5)"
			t1=$(server_cpu_ticks)
			line=$(echo "$out" | grep -E '^tps = ' | head -1)
			tps=$(echo "$line" | sed -E 's/^tps = ([0-9.]+).*/\1/')
			[ -n "$tps" ] || die "pgbench failed in mode $mode"
			all[$mode]="${all[$mode]} $tps"
			ntx=$(echo "$out" | sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p')
			if [ -n "$t0" ] && [ -n "$t1" ] && [ -n "$ntx" ] && [ "$ntx" -gt 0 ]; then
				us=$(echo "($t1 - $t0) * 1000000 / $TICK / $ntx" | bc -l)
				cpu[$mode]="${cpu[$mode]} $us"
			fi
			printf '   round %d %-8s %10.1f tps %8.0f us CPU/txn\n' "$round" "$mode" "$tps" "${us:-0}"
		done
	done
	local m_none m_audit m_plpgsql m_chained
	m_none=$(echo "${all[none]}" | tr ' ' '\n' | grep . | median)
	m_audit=$(echo "${all[audit]}" | tr ' ' '\n' | grep . | median)
	m_plpgsql=$(echo "${all[plpgsql]}" | tr ' ' '\n' | grep . | median)
	m_chained=$(echo "${all[chained]}" | tr ' ' '\n' | grep . | median)

	# 8 clients for LONG_SECONDS on the audited table, then audit_verify()
	psql_q -d "$DB" -c "SELECT bench_audit.set_mode('audit')" >/dev/null 2>&1
	line=$("$PGBENCH" -n -c 8 -j 8 -T "$LONG_SECONDS" -f "$HERE/txn.sql" "$DB" 2>&1 | grep -E '^tps = ' | head -1)
	local long_tps verify entries
	long_tps=$(echo "$line" | sed -E 's/^tps = ([0-9.]+).*/\1/')
	verify=$(psql_q -At -d "$DB" -c "SELECT ok || ' (' || entries_checked || ' entries checked' || coalesce(', first broken ' || first_broken_id || ': ' || reason, '') || ')' FROM audit_verify()")
	entries=$(psql_q -At -d "$DB" -c "SELECT count(*) FROM clinical_audit.log")
	say "[$label] medians: none $m_none, audit $m_audit, plpgsql $m_plpgsql, chained $m_chained"
	say "[$label] 8 clients ${LONG_SECONDS}s: $long_tps tps; audit_verify(): $verify"

	{
		echo "### $label"
		echo
		echo "Settings: $settings."
		echo
		echo "| mode | tps (median of $ROUNDS) | runs | vs. no trigger | audit vs. this |"
		echo "|---|---:|---|---:|---:|"
		for mode in $MODES; do
			local m
			case $mode in
				none) m=$m_none ;; audit) m=$m_audit ;; plpgsql) m=$m_plpgsql ;; chained) m=$m_chained ;;
			esac
			printf '| %s | %.0f | %s | %.2f× | %.2f× |\n' "$mode" "$m" "$(echo "${all[$mode]}" | xargs printf '%.0f ' | sed 's/ $//')" \
				"$(echo "$m / $m_none" | bc -l)" "$(echo "$m_audit / $m" | bc -l)"
		done
		echo
		echo "Targets: audit ≥ 0.8× no trigger (measured $(printf '%.2f' "$(echo "$m_audit / $m_none" | bc -l)")×);" \
			"audit ≥ 3× the naive chain (measured $(printf '%.2f' "$(echo "$m_audit / $m_chained" | bc -l)")×)."
		echo
		# the same ratios round by round (a round runs the modes back to
		# back, so its ratios share the machine's state), and their medians
		local r_none r_chained
		r_none=$(paste -d' ' <(echo "${all[audit]}" | tr ' ' '\n' | grep .) <(echo "${all[none]}" | tr ' ' '\n' | grep .) |
			awk '{printf "%.3f\n", $1 / $2}')
		r_chained=$(paste -d' ' <(echo "${all[audit]}" | tr ' ' '\n' | grep .) <(echo "${all[chained]}" | tr ' ' '\n' | grep .) |
			awk '{printf "%.3f\n", $1 / $2}')
		echo "Round by round: audit / no trigger $(echo "$r_none" | xargs printf '%.2f ' | sed 's/ $//')" \
			"(median $(printf '%.2f' "$(echo "$r_none" | median)")×);" \
			"audit / naive chain $(echo "$r_chained" | xargs printf '%.2f ' | sed 's/ $//')" \
			"(median $(printf '%.2f' "$(echo "$r_chained" | median)")×)."
		echo
		if [ -n "${cpu[none]}" ] && [ -n "${cpu[audit]}" ]; then
			local c_none
			c_none=$(echo "${cpu[none]}" | tr ' ' '\n' | grep . | median)
			echo "Server CPU per transaction (all its processes; median of $ROUNDS):"
			echo
			echo "| mode | µs CPU / transaction | runs | throughput this CPU allows, vs. no trigger |"
			echo "|---|---:|---|---:|"
			for mode in $MODES; do
				local c
				c=$(echo "${cpu[$mode]}" | tr ' ' '\n' | grep . | median)
				printf '| %s | %.0f | %s | %.2f× |\n' "$mode" "$c" \
					"$(echo "${cpu[$mode]}" | xargs printf '%.0f ' | sed 's/ $//')" "$(echo "$c_none / $c" | bc -l)"
			done
			echo
		fi
		echo "pgbench, 8 clients, ${LONG_SECONDS} s, audited: $(printf '%.0f' "$long_tps") tps;" \
			"log entries: $entries; \`audit_verify()\`: $verify."
		echo
	} >>"$REPORT"
}

if [ -n "${PGHOST:-}" ]; then
	export PGUSER=${PGUSER:-postgres}
	measure "server at PGHOST=$PGHOST PGPORT=${PGPORT:-5432}"
else
	for mode in ${DURABILITY:-test durable}; do
		CLUSTER=$(mktemp -d /tmp/pgc_bench_audit.XXXXXX)
		chmod 755 "$CLUSTER"
		cluster_start "$CLUSTER"
		if [ "$mode" = durable ]; then
			as_cluster_owner "$PG_BIN/psql" -X -q -d postgres \
				-c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
				-c "ALTER SYSTEM SET full_page_writes = on" >/dev/null
		fi
		as_cluster_owner "$PG_BIN/psql" -X -q -d postgres -c "ALTER SYSTEM SET shared_buffers = '512MB'" >/dev/null
		as_cluster_owner "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w restart >/dev/null
		measure "throwaway cluster, $mode settings"
		cluster_remove "$CLUSTER"
		CLUSTER=""
	done
fi

{
	echo "# Audit trail benchmark"
	echo
	echo "\`bash test/bench/audit/run.sh\` on $(date -u +%Y-%m-%d), PostgreSQL $($PG_BIN/postgres --version | awk '{print $3}'),"
	echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "Workload (\`txn.sql\`): one transaction inserting an observation into a 12-column"
	echo "clinical table and updating it (two audited rows per transaction), $CLIENTS clients,"
	echo "${SECONDS_PER_RUN} s per run, the four modes back to back in each of $ROUNDS rounds (reversed every second round); tps are medians."
	echo "\`plpgsql\` is a supa_audit-like PL/pgSQL row trigger (row and old row as jsonb into a"
	echo "log table with two indexes); \`chained\` is the same trigger adding a naive SHA-256"
	echo "chain under \`pg_advisory_xact_lock\`, held until commit.  \`audit\` is \`audit_enable()\`."
	echo
	cat "$REPORT"
} >"$RESULTS"
rm -f "$REPORT"
say "results written to $RESULTS"
cat "$RESULTS"
