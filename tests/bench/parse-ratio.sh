#!/usr/bin/env bash
# tests/bench/parse-ratio.sh - instruction-count ratios of podlife_pod_parse
# (parse + default + validate) against a bare libyaml event scan and a bare
# jansson load of the same manifests, with callgrind, so the figure does not
# depend on the machine's load.  Usage: tests/bench/parse-ratio.sh [BUILDDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
b=${1:-build-bench}
[ -d "$b" ] || meson setup "$b" -Dbenchmarks=true --buildtype=release >/dev/null
ninja -C "$b" tests/bench/bench_parse >/dev/null
ir() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b/tests/bench/bench_parse" \
		tests/manifests 0 "$1" 2>&1 | awk '/refs:/ {gsub(",", "", $NF); print $NF}'
}
none=$(ir none)
scan=$(( $(ir scan) - none ))
pod=$(( $(ir podlife) - none ))
jl=$(( $(ir jansson) - none ))
pj=$(( $(ir podlife-json) - none ))
awk -v s="$scan" -v p="$pod" -v j="$jl" -v q="$pj" 'BEGIN {
	printf "YAML: bare libyaml scan %d instructions, podlife %d: ratio %.2fx\n", s, p, p / s
	printf "JSON: bare jansson load %d instructions, podlife %d: ratio %.2fx\n", j, q, q / j
}'
