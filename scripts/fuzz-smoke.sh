#!/usr/bin/env bash
# scripts/fuzz-smoke.sh — build each libFuzzer harness in test/fuzz/ and run it
# briefly over its seed corpus (test/fuzz/corpus/NAME/) under ASan+UBSan.
# With clang's libFuzzer: coverage-guided for FUZZ_SECONDS (default 15) each.
# Without it: a standalone driver (test/fuzz/standalone.c) replays the seeds
# and random mutations of them.  Prints "N passed, N failed" (one per harness).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
SECONDS_EACH=${FUZZ_SECONDS:-15}
OUT=build/fuzz
mkdir -p "$OUT"
CORE_SRCS=$(find src/core -name '*.c' | sort)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
XML2_CFLAGS=$(xml2-config --cflags 2>/dev/null)
XML2_LIBS=$(xml2-config --libs 2>/dev/null || echo -lxml2)
passed=0
failed=0

use_libfuzzer=0
if command -v clang >/dev/null 2>&1 &&
	echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}' |
	clang -x c -fsanitize=fuzzer - -o "$OUT/probe" >/dev/null 2>&1; then
	use_libfuzzer=1
fi

for h in test/fuzz/fuzz_*.c; do
	[ -e "$h" ] || continue
	name=$(basename "$h" .c)
	corpus=test/fuzz/corpus/${name#fuzz_}
	work=$OUT/$name.corpus
	rm -rf "$work"; mkdir -p "$work"
	if [ "$use_libfuzzer" -eq 1 ]; then
		# shellcheck disable=SC2086
		if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude $XML2_CFLAGS $CORE_SRCS "$h" $XML2_LIBS -o "$OUT/$name" 2>"$OUT/$name.build.log"; then
			cat "$OUT/$name.build.log"; echo "FAIL $name (build)"; failed=$((failed + 1)); continue
		fi
		"$OUT/$name" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/$name-" "$work" "$corpus" >"$OUT/$name.log" 2>&1
		rc=$?
	else
		# shellcheck disable=SC2086
		if ! ${CC:-cc} -std=c11 -g -O1 $SAN -Iinclude $XML2_CFLAGS $CORE_SRCS "$h" test/fuzz/standalone.c \
			$XML2_LIBS -o "$OUT/$name" 2>"$OUT/$name.build.log"; then
			cat "$OUT/$name.build.log"; echo "FAIL $name (build)"; failed=$((failed + 1)); continue
		fi
		"$OUT/$name" "$SECONDS_EACH" "$corpus" >"$OUT/$name.log" 2>&1
		rc=$?
	fi
	if [ $rc -eq 0 ]; then
		echo "ok   $name ($(grep -E 'stat::number_of_executed_units|executions' "$OUT/$name.log" | tail -1 | tr -s ' '))"
		passed=$((passed + 1))
	else
		tail -40 "$OUT/$name.log"
		echo "FAIL $name (crash input kept in $OUT/; log $OUT/$name.log)"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
