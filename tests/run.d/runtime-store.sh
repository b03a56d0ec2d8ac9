# shellcheck shell=bash
# tests/run.d/runtime-store.sh - the mini-runtime's image store against
# real registries: builds the test images offline (tests/runtime/make-images.sh),
# starts two docker-registry instances on 127.0.0.1 (no auth, and Basic
# auth) and pushes the images (tests/runtime/registry.sh), starts the
# Bearer token server and its proxy (tests/runtime/token_server.py), runs
# $PODLIFE_BUILD/tests/runtime/test_store with their addresses, and stops
# everything it started by pid (also on failure or interrupt).  Prints the
# test's "N passed, N failed" line last.  PODLIFE_TEST_WRAPPER runs the
# test under a tool, e.g. "valgrind --leak-check=full --error-exitcode=9".
set -u
cd "${PODLIFE_ROOT:-$(dirname "${BASH_SOURCE[0]}")/../..}" || exit 2
BUILD=${PODLIFE_BUILD:-build-ci}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
BIN=$BUILD/tests/runtime/test_store
# shellcheck source=tests/runtime/oci-lib.sh
. tests/runtime/oci-lib.sh

fail() {
	echo "runtime-store: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[ -x "$BIN" ] || fail "$BIN is not built (is libarchive-dev installed?)"
for t in /usr/bin/docker-registry htpasswd curl tar gzip "$PY"; do
	command -v "$t" >/dev/null || fail "missing $t (.ci/run installs docker-registry, apache2-utils, curl, python3)"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/podlife-runtime-store.XXXXXX") || fail "mktemp"
export REG_DIR=$TMP/registries
TOKEN_PID=
cleanup() {
	bash tests/runtime/registry.sh stop >/dev/null 2>&1
	if [ -n "$TOKEN_PID" ] && kill -0 "$TOKEN_PID" 2>/dev/null; then
		kill "$TOKEN_PID" 2>/dev/null
		wait "$TOKEN_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# four free ports on 127.0.0.1
read -r REG_PORT REG_AUTH_PORT TOKEN_PORT PROXY_PORT < <(free_ports 4)
export REG_PORT REG_AUTH_PORT REG_USER=podlife REG_PASS=podlife-secret

registry_up "$TMP" || fail "$REGISTRY_ERR"

"$PY" tests/runtime/token_server.py --token-port "$TOKEN_PORT" --proxy-port "$PROXY_PORT" \
	--upstream "127.0.0.1:$REG_PORT" --user "$REG_USER" --password "$REG_PASS" \
	>"$TMP/token.log" 2>&1 </dev/null &
TOKEN_PID=$!
up=0
for _ in $(seq 1 100); do
	if curl -sf -o /dev/null "http://127.0.0.1:$TOKEN_PORT/stats" &&
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PROXY_PORT/v2/")" = 401 ]; then
		up=1
		break
	fi
	kill -0 "$TOKEN_PID" 2>/dev/null || break
	sleep 0.1
done
[ "$up" = 1 ] || { cat "$TMP/token.log"; fail "token_server.py did not start"; }
echo "token server pid $TOKEN_PID on 127.0.0.1:$TOKEN_PORT, proxy on 127.0.0.1:$PROXY_PORT"

export PODLIFE_TEST_REGISTRY=127.0.0.1:$REG_PORT
export PODLIFE_TEST_AUTH_REGISTRY=127.0.0.1:$REG_AUTH_PORT
export PODLIFE_TEST_BEARER_REGISTRY=127.0.0.1:$PROXY_PORT
export PODLIFE_TEST_TOKEN_SERVER=127.0.0.1:$TOKEN_PORT
export PODLIFE_TEST_DIGESTS=$TMP/images/digests.txt
export PODLIFE_TEST_USER=$REG_USER PODLIFE_TEST_PASS=$REG_PASS
read -r -a wrapper <<<"${PODLIFE_TEST_WRAPPER:-}"
TMPDIR=$TMP timeout 300 "${wrapper[@]}" "$BIN" 2>&1 | tee "$TMP/test.log"
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$TMP/test.log" | tail -n 1)
[ -n "$line" ] || fail "test_store ended without a count (exit $rc)"
[ "$rc" -eq 0 ]
