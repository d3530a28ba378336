#!/usr/bin/env bash
# scripts/demo.sh — the README's demo command (make demo / make demo-stop).
#
#   start: install what is missing (Debian), build and install pg_clinical,
#          start a throwaway cluster in $PGC_DEMO_DIR (default
#          /tmp/pg_clinical_demo) on a private port and socket directory,
#          create the database pg_clinical_demo with the extension, load the
#          sample data of test/data/ and run the showcase script.  The cluster
#          keeps running so that you can connect; the last lines say how.
#          With PGHOST, PGPORT or PGDATABASE set, the existing server is used
#          instead (the samples go to the schema clinical_demo there).
#   stop:  stop the demo cluster and remove its files.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"
DEMO_DIR=${PGC_DEMO_DIR:-${TMPDIR:-/tmp}/pg_clinical_demo}
action=${1:-start}

case "$action" in
	stop)
		if [ -d "$DEMO_DIR/data" ]; then
			cluster_remove "$DEMO_DIR"
			say "demo cluster stopped and $DEMO_DIR removed"
		else
			say "no demo cluster in $DEMO_DIR"
		fi
		exit 0
		;;
	start) ;;
	*) die "usage: $0 start|stop" ;;
esac

ensure_packages
build_and_install

existing=0
if [ -n "${PGHOST:-}${PGPORT:-}${PGDATABASE:-}" ]; then
	existing=1
	DB=${PGDATABASE:-postgres}
	say "using the existing server (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGDATABASE=$DB)"
	"$PG_BIN/pg_isready" -q || die "no server answers at PGHOST=${PGHOST:-} PGPORT=${PGPORT:-}"
else
	DB=pg_clinical_demo
	if [ -d "$DEMO_DIR/data" ]; then
		say "removing the previous demo cluster in $DEMO_DIR"
		cluster_remove "$DEMO_DIR"
	fi
	mkdir -p "$DEMO_DIR" && chmod 755 "$DEMO_DIR"
	ok=0
	trap '[ $ok -eq 1 ] || cluster_remove "$DEMO_DIR"' EXIT
	trap 'echo; say "interrupted"; exit 130' INT TERM
	cluster_start "$DEMO_DIR"
	psql_q -d postgres -c "CREATE DATABASE $DB" || die "could not create database $DB"
fi

export PGDATABASE=$DB
say "CREATE EXTENSION pg_clinical in database $DB"
psql_q -c "CREATE EXTENSION IF NOT EXISTS pg_clinical" || die "CREATE EXTENSION failed"
say "loading the sample data of test/data/"
psql_q -v demo_schema=clinical_demo -f test/data/load.sql || die "loading the samples failed"
say "showcase"
"$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -P pager=off -f scripts/showcase.sql ||
	die "the showcase script failed"
ok=1

echo
if [ $existing -eq 1 ]; then
	say "done: the samples are in schema clinical_demo of database $DB"
	echo "   drop them with: psql -c 'DROP SCHEMA clinical_demo CASCADE'"
else
	say "the demo cluster keeps running. Connect with:"
	echo "   psql -h $PGHOST -p $PGPORT -U postgres $DB"
	echo "   (or over TCP: psql -h 127.0.0.1 -p $PGPORT -U postgres $DB)"
	say "stop it and remove its files with:"
	echo "   make demo-stop"
fi
