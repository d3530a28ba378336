# scripts/lib.sh — shared by demo.sh, test.sh and .ci/run (sourced, not run).
#
# Finds or installs what pg_clinical needs on Debian, builds and installs it,
# and starts or stops a throwaway PostgreSQL cluster on a private port and
# socket directory.  initdb and postgres refuse to run as root, so as root the
# cluster belongs to the "postgres" user.

PGVER=${PGVER:-15}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# PG_CONFIG selects another (for example a relocated copy of the) installation
if [ -n "${PG_CONFIG:-}" ]; then
	PG_BIN=$(dirname "$PG_CONFIG")
else
	PG_BIN=/usr/lib/postgresql/$PGVER/bin
fi
export PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}

say() { printf '== %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# run a command as root: directly, or through passwordless sudo
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		return 1
	fi
}

# Debian packages the build and the tests need; extra ones as arguments
REQUIRED_PACKAGES="postgresql-$PGVER postgresql-server-dev-$PGVER \
libxml2-dev libjansson-dev build-essential pkg-config"

missing_packages() {
	local p
	for p in $REQUIRED_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf '%s ' "$p"
	done
}

ensure_packages() {
	local missing
	command -v dpkg-query >/dev/null 2>&1 ||
		die "this set-up is written for Debian 12 (dpkg/apt); install PostgreSQL $PGVER with its server headers, libxml2 and jansson by hand, then run 'make && make install'"
	missing=$(missing_packages "$@")
	[ -z "$missing" ] && return 0
	if ! as_root true; then
		die "missing packages: $missing
  Run as root (or a user with passwordless sudo), or install them first:
    sudo apt-get update && sudo apt-get install -y $missing"
	fi
	say "missing Debian packages: $missing; running apt-get"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
		die "apt-get update failed"
	say "installing Debian packages: $missing"
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing ||
		die "apt-get install failed: $missing"
	# the Debian postgresql package starts a system cluster; it is not ours to
	# stop, and nothing here uses it
}

# build with the compiler's errors visible; fail on any warning
build_and_install() {
	local log="$TOP/build/build.log"
	mkdir -p "$TOP/build"
	say "building pg_clinical (PostgreSQL $PGVER)"
	if ! make -C "$TOP" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >"$log" 2>&1; then
		grep -E -A5 'error|Error' "$log" | head -60 >&2
		die "the build failed (full log: $log)"
	fi
	if grep -q 'warning:' "$log"; then
		grep -A3 'warning:' "$log" >&2
		die "the build printed compiler warnings (full log: $log)"
	fi
	say "installing into $($PG_CONFIG --pkglibdir)"
	if ! as_root make -C "$TOP" install PG_CONFIG="$PG_CONFIG" >>"$log" 2>&1; then
		tail -20 "$log" >&2
		die "'make install' failed: run as root or a user with passwordless sudo"
	fi
}

# ---- the throwaway cluster --------------------------------------------------
# CLUSTER_DIR holds data/, sock/, log and port.  Sets PGHOST, PGPORT, PGUSER.

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
	return 1
}

pick_port() {
	local port=${PGC_PORT:-54329} tries=0
	while port_in_use "$port"; do
		say "port $port is in use; trying $((port + 1)) (set PGC_PORT to choose)" >&2
		port=$((port + 1)); tries=$((tries + 1))
		[ $tries -gt 50 ] && die "no free port between ${PGC_PORT:-54329} and $port; set PGC_PORT"
	done
	echo "$port"
}

as_cluster_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cluster_start() {
	local dir=$1 port
	mkdir -p "$dir/sock"
	if [ "$(id -u)" -eq 0 ]; then
		getent passwd postgres >/dev/null || die "no 'postgres' user: is postgresql-$PGVER installed?"
		chown -R postgres: "$dir"
	fi
	say "initdb in $dir/data"
	as_cluster_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	port=$(pick_port)
	echo "$port" >"$dir/port"
	cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 40
max_prepared_transactions = 10
log_min_messages = warning
CONF
	say "starting PostgreSQL $PGVER on port $port (socket in $dir/sock)"
	as_cluster_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
		{ tail -20 "$dir/server.log" >&2; die "the server did not start (log: $dir/server.log)"; }
	export PGHOST="$dir/sock" PGPORT="$port" PGUSER=postgres
}

cluster_stop() {
	local dir=$1
	[ -d "$dir/data" ] || return 0
	as_cluster_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}

cluster_remove() {
	local dir=$1
	cluster_stop "$dir"
	rm -rf "$dir"
}

psql_q() { "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -q "$@"; }

# scratch_database NAME: a fresh database NAME (UTF8, C collation) on the
# server of PGHOST/PGPORT, or on a throwaway cluster started here when PGHOST
# is unset; sets EXIT/INT/TERM traps that remove both (the caller's own
# clean-up can go in SCRATCH_ON_EXIT, a command run first).
scratch_database() {
	SCRATCH_DB=$1
	SCRATCH_CLUSTER=""
	trap scratch_cleanup EXIT
	trap 'exit 130' INT TERM
	if [ -z "${PGHOST:-}" ]; then
		SCRATCH_CLUSTER=$(mktemp -d "${TMPDIR:-/tmp}/pgc_$1.XXXXXX")
		chmod 755 "$SCRATCH_CLUSTER"
		cluster_start "$SCRATCH_CLUSTER"
	fi
	export PGUSER=${PGUSER:-postgres}
	psql_q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" \
		-c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >/dev/null ||
		die "cannot create database $1"
}

scratch_cleanup() {
	local rc=$?
	[ -n "${SCRATCH_ON_EXIT:-}" ] && eval "$SCRATCH_ON_EXIT"
	if [ -n "${SCRATCH_CLUSTER:-}" ]; then
		cluster_remove "$SCRATCH_CLUSTER"
	elif [ -n "${SCRATCH_DB:-}" ]; then
		"$PG_BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SCRATCH_DB" >/dev/null 2>&1 || true
	fi
	return $rc
}
