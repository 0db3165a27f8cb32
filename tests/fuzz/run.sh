#!/bin/sh
# Builds the fuzz tree (clang, ASan + UBSan, libFuzzer) and runs each fuzz
# target for SECONDS seconds (default 30, as CI does).
#
# Usage: tests/fuzz/run.sh [SECONDS [TARGET...]]
#   TARGET: analyzer passages front_matter query highlight synonyms
#           (default all)
# Environment:
#   LOCI_FUZZ_BUILD  the build tree (default build-fuzz/)
#   LOCI_FUZZ_DIR    where corpora and crashes go (default $LOCI_FUZZ_BUILD/fuzz)
#   LOCI_FUZZ_ARGS   more libFuzzer flags, e.g. "-jobs=4 -workers=4"
#
# Under $LOCI_FUZZ_DIR: seeds/TARGET (regenerated from corpus/ each run),
# corpus/TARGET (what libFuzzer found interesting; kept between runs) and
# crashes/TARGET (crash-*, timeout-*, oom-* inputs).  Exits 1 if any
# target failed; see README.md for what to do with a crash.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
secs=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-analyzer passages front_matter query highlight synonyms}
build=${LOCI_FUZZ_BUILD:-build-fuzz}
work=${LOCI_FUZZ_DIR:-$build/fuzz}

for tool in clang clang++ meson ninja; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "run.sh: $tool not found (apt-get install clang libclang-rt-14-dev meson ninja-build)" >&2
		exit 2
	fi
done

# -fsanitize=fuzzer-no-link gives libloci the coverage instrumentation
# libFuzzer steers by; the targets themselves get -fsanitize=fuzzer.
CC=clang CXX=clang++ tools/setup-build "$build" -Dfuzz=true \
	-Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fsanitize=fuzzer-no-link -Dcpp_args=-fsanitize=fuzzer-no-link >/dev/null
programs=""
for t in $targets; do
	programs="$programs tests/fuzz/fuzz-$t"
done
# shellcheck disable=SC2086
ninja -C "$build" $programs

sh tests/fuzz/make-seeds.sh "$work/seeds" corpus

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$src/tests/fuzz/lsan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"

failed=""
for t in $targets; do
	case $t in
	query | highlight) dict=tests/fuzz/query.dict ;;
	front_matter) dict=tests/fuzz/front_matter.dict ;;
	*) dict=tests/fuzz/text.dict ;;
	esac
	mkdir -p "$work/corpus/$t" "$work/crashes/$t"
	echo "== fuzz-$t for ${secs}s"
	# shellcheck disable=SC2086
	if ! "$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=4096 -max_len=16384 -print_final_stats=1 \
		-dict="$dict" -artifact_prefix="$work/crashes/$t/" \
		${LOCI_FUZZ_ARGS:-} "$work/corpus/$t" "$work/seeds/$t" \
		> "$work/fuzz-$t.log" 2>&1; then
		failed="$failed $t"
		echo "fuzz-$t FAILED: see $work/fuzz-$t.log and $work/crashes/$t/" >&2
		tail -n 40 "$work/fuzz-$t.log" >&2
	else
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
			"$work/fuzz-$t.log" || true
	fi
done

if [ -n "$failed" ]; then
	echo "run.sh: failed:$failed" >&2
	exit 1
fi
echo "run.sh: all targets ran ${secs}s without a failure"
