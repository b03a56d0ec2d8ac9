# tests/run.d/runtime-serve.sh - `podlife serve` end to end with the
# process runtime (no images needed): the static pod directory (a file
# added, changed, removed; an invalid file; a dotfile), the client
# commands (get pods, describe pod, logs, delete pod) and a restart of
# serve that adopts the running containers.  Every wait is bounded; serve
# is stopped by its PID on exit and the containers it left are killed by
# the PIDs in the state directory.  Prints "N passed, N failed" last.
#
# Environment: PODLIFE_BUILD (default build-ci), PODLIFE_BIN (the podlife
# binary; default $PODLIFE_BUILD/examples/podlife).
# shellcheck shell=bash
set -u
cd "${PODLIFE_ROOT:-$(dirname "${BASH_SOURCE[0]}")/../..}" || exit 2
ROOT=$PWD
BUILD=${PODLIFE_BUILD:-build-ci}
PODLIFE=${PODLIFE_BIN:-$BUILD/examples/podlife}
case $PODLIFE in /*) ;; *) PODLIFE=$ROOT/$PODLIFE ;; esac
FIX=$ROOT/tests/runtime/serve

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf '  ok    %s\n' "$1"; }
bad() { FAIL=$((FAIL + 1)); printf '  FAIL  %s%s\n' "$1" "${2:+ ($2)}"; }

if [ ! -x "$PODLIFE" ] || ! "$PODLIFE" --help 2>/dev/null | grep -q 'podlife serve'; then
	echo "runtime-serve: $PODLIFE has no serve command (the mini-runtime is not built)"
	echo "0 passed, 1 failed"
	exit 1
fi

# A short path: serve.sock must fit in sun_path.
tmp=$(mktemp -d /tmp/plserve.XXXXXX)
MD=$tmp/manifests
ST=$tmp/state
LOG=$tmp/serve.log
mkdir -p "$MD"
SERVE_PID=
NODE=Test-Node
SUFFIX=test-node

cleanup() {
	if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
		kill -TERM "$SERVE_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SERVE_PID" 2>/dev/null
	fi
	# serve leaves its pods running by design: stop what it started
	for f in "$ST"/containers/*/pid "$ST"/containers/*/monitor.pid; do
		[ -f "$f" ] || continue
		p=$(cat "$f" 2>/dev/null)
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

pl() { timeout 20 "$PODLIFE" "$@" --state-dir "$ST"; }

start_serve() {
	timeout 300 "$PODLIFE" serve --manifest-dir "$MD" --state-dir "$ST" --node-name "$NODE" \
		--runtime process >>"$LOG" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 100); do
		[ -S "$ST/serve.sock" ] && [ -f "$ST/pods.json" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_for SECONDS CMD...: true once CMD succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	for _ in $(seq "$n"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# pod_row NAME: its line of `podlife get pods`.
pod_row() { pl get pods 2>/dev/null | awk -v n="$1" '$1 == n'; }
is_running() { pod_row "$1" | grep -q ' 1/1 *Running '; }
is_ready_n() { pod_row "$1" | grep -q " $2 *Running "; }
is_gone() { [ -z "$(pod_row "$1")" ]; }
# ctr_pids POD CONTAINER: PIDs of that container's instances still running.
ctr_pids() {
	local d
	for d in "$ST"/containers/*/; do
		[ -f "$d/meta.json" ] || continue
		grep -q "\"pod\":\"$1\"" "$d/meta.json" || continue
		grep -q "\"name\":\"$2\"" "$d/meta.json" || continue
		[ -f "$d/exit" ] && continue
		[ -f "$d/pid" ] && cat "$d/pid"
	done
}
ctr_count() { grep -l "\"pod\":\"$1\"" "$ST"/containers/*/meta.json 2>/dev/null | wc -l; }

echo "runtime-serve: $PODLIFE, state $ST"

# 1. serve starts on an empty directory; a file added → <name>-<node> Running
if start_serve; then ok "serve starts and opens serve.sock"; else bad "serve starts" "$(tail -5 "$LOG")"; fi
cp "$FIX/keep.yaml" "$MD/keep.yaml"
if wait_for 15 is_running "keep-$SUFFIX"; then ok "added file: keep-$SUFFIX Running"; else bad "added file: keep-$SUFFIX Running" "$(pl get pods 2>&1)"; fi
cp "$FIX/web.yaml" "$MD/web.yaml"
if wait_for 15 is_running "web-$SUFFIX"; then ok "added file: web-$SUFFIX Running"; else bad "added file: web-$SUFFIX Running" "$(pl get pods 2>&1)"; fi
if pl get pods | head -n 1 | grep -q '^NAME  *READY  *STATUS  *RESTARTS  *AGE$'; then ok "get pods: kubectl's columns"; else bad "get pods columns" "$(pl get pods 2>&1 | head -n 1)"; fi
if pl get pods -o wide | awk -v n="web-$SUFFIX" -v node="$NODE" '$1 == n && $7 == node { f = 1 } END { exit !f }'; then
	ok "get pods -o wide: the node"
else
	bad "get pods -o wide" "$(pl get pods -o wide 2>&1)"
fi
if pl get pods -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["kind"] == "List" and d["apiVersion"] == "v1", d.get("kind")
names = {i["metadata"]["name"]: i for i in d["items"]}
p = names[sys.argv[1]]
assert p["status"]["phase"] == "Running", p["status"]
assert p["spec"]["nodeName"] == sys.argv[2]
assert p["metadata"]["annotations"]["kubernetes.io/config.source"] == "file"
' "web-$SUFFIX" "$NODE"; then ok "get pods -o json: a v1 List of Pods with status"; else bad "get pods -o json"; fi

# 2. logs and describe
if wait_for 5 sh -c "'$PODLIFE' logs web-$SUFFIX --state-dir '$ST' | grep -qx 'hello from web version 1'"; then
	ok "logs: the container's output"
else
	bad "logs" "$(pl logs "web-$SUFFIX" 2>&1 | head -3)"
fi
desc=$(pl describe pod "web-$SUFFIX" 2>&1)
if grep -q "^Name: *web-$SUFFIX$" <<<"$desc" && grep -q '^Events:' <<<"$desc" &&
	grep -q 'Normal *Started .*Started container app' <<<"$desc" &&
	grep -q '^    State: *Running$' <<<"$desc" && grep -q "^Node: *$NODE/" <<<"$desc"; then
	ok "describe pod: the kubectl layout with Events"
else
	bad "describe pod" "$(head -c 600 <<<"$desc")"
fi
if pl describe pod nosuch 2>&1 | grep -q 'Error from server (NotFound): pods "nosuch" not found'; then ok "describe pod: NotFound"; else bad "describe NotFound"; fi

# 3. a dotfile is ignored; an invalid file is reported and skipped
cp "$FIX/hidden.yaml" "$MD/.hidden.yaml"
cp "$FIX/invalid.yaml" "$MD/invalid.yaml"
web_pid=$(ctr_pids "web-$SUFFIX" app)
if wait_for 5 grep -q 'invalid.yaml:[0-9]*:[0-9]*: ' "$LOG"; then ok "invalid file: FILE:LINE:COL errors in serve's output"; else bad "invalid file reported" "$(tail -5 "$LOG")"; fi
sleep 1
if is_gone "hidden-$SUFFIX" && is_gone "broken-$SUFFIX"; then ok "dotfile and invalid file: no pod"; else bad "dotfile/invalid: no pod" "$(pl get pods 2>&1)"; fi
if is_running "web-$SUFFIX" && [ "$(ctr_pids "web-$SUFFIX" app)" = "$web_pid" ] && [ -n "$web_pid" ]; then
	ok "other pods unaffected by the invalid file"
else
	bad "other pods unaffected"
fi
n_reports=$(grep -c 'invalid.yaml: invalid manifest skipped' "$LOG")
touch "$MD/invalid.yaml"
sleep 0.5
if [ "$(grep -c 'invalid.yaml: invalid manifest skipped' "$LOG")" = "$n_reports" ]; then ok "invalid file reported once per content"; else bad "invalid file reported once"; fi

# 4. a multi-container pod: logs needs -c
cp "$FIX/multi.yaml" "$MD/multi.yaml"
if wait_for 15 is_ready_n "multi-$SUFFIX" 2/2; then ok "init container then two containers: 2/2 Running"; else bad "multi 2/2" "$(pl get pods 2>&1)"; fi
out=$(pl logs "multi-$SUFFIX" 2>&1)
if [ "$out" = "error: a container name must be specified for pod multi-$SUFFIX, choose one of: [one two] or one of the init containers: [setup]" ]; then
	ok "logs: kubectl's error without -c"
else
	bad "logs without -c" "$out"
fi
if [ "$(pl logs "multi-$SUFFIX" -c setup 2>&1)" = "setup done" ] && [ "$(pl logs "multi-$SUFFIX" -c two 2>&1)" = "two here" ]; then
	ok "logs -c: init and regular containers"
else
	bad "logs -c"
fi

# 5. a changed file replaces the pod
sed -i 's/version 1/version 2/' "$MD/web.yaml"
replaced() {
	local p
	p=$(ctr_pids "web-$SUFFIX" app)
	[ -n "$p" ] && [ "$p" != "$web_pid" ] && is_running "web-$SUFFIX"
}
if wait_for 20 replaced; then ok "changed file: the pod replaced (new container)"; else bad "changed file replaced" "$(pl get pods 2>&1; tail -5 "$LOG")"; fi
if grep -q "deleting pod default/web-$SUFFIX (manifest changed)" "$LOG" && grep -q "Killing .*web\|web-$SUFFIX .*Killing" "$LOG"; then
	ok "changed file: old pod deleted gracefully (Killing event)"
else
	bad "changed file: graceful delete" "$(grep -i kill "$LOG" | tail -3)"
fi
if ! kill -0 "$web_pid" 2>/dev/null; then ok "changed file: the old container ended"; else bad "old container ended"; fi
if wait_for 5 sh -c "'$PODLIFE' logs web-$SUFFIX --state-dir '$ST' | grep -qx 'hello from web version 2'" &&
	! pl logs "web-$SUFFIX" | grep -q 'version 1'; then
	ok "logs: only the new pod's output"
else
	bad "logs after replace" "$(pl logs "web-$SUFFIX" 2>&1)"
fi

out=$(pl logs "web-$SUFFIX" --previous 2>&1)
if [ "$out" = "Error from server (BadRequest): previous terminated container \"app\" in pod \"web-$SUFFIX\" not found" ]; then
	ok "logs --previous: kubectl's error without a previous container"
else
	bad "logs --previous" "$out"
fi

# 6. podlife delete pod (with `logs -f` following until the container ends)
timeout 30 "$PODLIFE" logs -f "web-$SUFFIX" --state-dir "$ST" >"$tmp/follow.out" 2>&1 &
follow_pid=$!
sleep 0.5
out=$(pl delete pod "web-$SUFFIX" --grace-period 1 2>&1)
if [ "$out" = "pod \"web-$SUFFIX\" deleted" ]; then ok "delete pod: kubectl's message"; else bad "delete pod message" "$out"; fi
if wait_for 10 is_gone "web-$SUFFIX"; then ok "delete pod: the pod is gone"; else bad "delete pod gone" "$(pl get pods 2>&1)"; fi
if wait_for 10 sh -c "! kill -0 $follow_pid" && grep -qx 'hello from web version 2' "$tmp/follow.out"; then
	ok "logs -f: follows until the container ended"
else
	bad "logs -f" "$(cat "$tmp/follow.out")"
	kill "$follow_pid" 2>/dev/null
fi
wait "$follow_pid" 2>/dev/null
sleep 0.5
if is_gone "web-$SUFFIX"; then ok "delete pod: not re-added for the same file"; else bad "deleted pod re-added"; fi
if pl delete pod nosuch 2>&1 | grep -q 'Error from server (NotFound): pods "nosuch" not found'; then ok "delete pod: NotFound"; else bad "delete NotFound"; fi

# 7. a removed file deletes its pod
multi_pids=$(ctr_pids "multi-$SUFFIX" one)
rm -f "$MD/multi.yaml"
if wait_for 15 is_gone "multi-$SUFFIX"; then ok "removed file: the pod goes away"; else bad "removed file" "$(pl get pods 2>&1)"; fi
# shellcheck disable=SC2086 # the pids are words
if [ -n "$multi_pids" ] && ! kill -0 $multi_pids 2>/dev/null; then ok "removed file: its containers stopped"; else bad "removed file: containers stopped"; fi

# 8. serve stopped with SIGTERM and started again adopts the running pod
keep_pid=$(ctr_pids "keep-$SUFFIX" app)
keep_count=$(ctr_count "keep-$SUFFIX")
kill -TERM "$SERVE_PID"
rc=0
for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVE_PID" 2>/dev/null; then rc=1; else wait "$SERVE_PID"; rc=$?; fi
if [ "$rc" = 0 ] && [ ! -e "$ST/serve.pid" ]; then ok "SIGTERM: serve exits 0"; else bad "SIGTERM exit" "rc $rc"; fi
if [ -n "$keep_pid" ] && kill -0 "$keep_pid" 2>/dev/null; then ok "SIGTERM: the pod keeps running"; else bad "pod keeps running"; fi
if pl get pods 2>&1 | grep -q 'no podlife serve is running'; then ok "get pods without serve: refused"; else bad "get pods without serve"; fi
if start_serve && wait_for 10 is_running "keep-$SUFFIX"; then ok "restarted serve: keep-$SUFFIX Running"; else bad "restart" "$(tail -5 "$LOG")"; fi
sleep 1.5
if [ "$(ctr_pids "keep-$SUFFIX" app)" = "$keep_pid" ] && [ "$(ctr_count "keep-$SUFFIX")" = "$keep_count" ]; then
	ok "restarted serve: container adopted (same PID, nothing started twice)"
else
	bad "adopted" "pid $keep_pid -> $(ctr_pids "keep-$SUFFIX" app)"
fi
if pod_row "keep-$SUFFIX" | awk '{ exit !($4 == "0") }'; then ok "restarted serve: restart count 0"; else bad "restart count" "$(pod_row "keep-$SUFFIX")"; fi
if is_gone "web-$SUFFIX"; then ok "restarted serve: the deleted pod stays deleted"; else bad "deleted pod back after restart"; fi
if [ "$(pl logs "keep-$SUFFIX" 2>&1)" = "keep started" ]; then ok "restarted serve: logs of the adopted container"; else bad "logs after restart"; fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
