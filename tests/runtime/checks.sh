# shellcheck shell=bash
# tests/runtime/checks.sh - the check counters of the runtime suites
# (sourced): set SUITE first.  ok/bad count one check each, check WHAT
# CMD... runs CMD and counts it, fail MSG ends a suite that cannot run
# with one failure.  The suite prints "$pass passed, $failed failed" last.
pass=0
failed=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
fail() {
	echo "$SUITE: $*"
	echo "0 passed, 1 failed"
	exit 1
}
