# tests/run.d/runtime-process.sh - end to end: the real `podlife run
# --runtime process -o json` on the manifests of tests/runtime/pods (@T@
# in them is this run's temporary directory), asserting on its JSON lines
# and exit status.  Every scenario is bounded by `timeout`.  Prints
# "N passed, N failed" last.
# shellcheck shell=bash
set -u
cd "${PODLIFE_ROOT:-$(dirname "${BASH_SOURCE[0]}")/../..}" || exit 2
BUILD=${PODLIFE_BUILD:-build-ci}
PODLIFE=$BUILD/examples/podlife
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
PODS=tests/runtime/pods

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "  ok    $1"; }
bad() { FAIL=$((FAIL + 1)); echo "  FAIL  $1${2:+ ($2)}"; }

if [ ! -x "$PODLIFE" ] || ! "$PODLIFE" run --help >/dev/null 2>&1; then
	echo "runtime-process: $PODLIFE has no run command"
	echo "0 passed, 1 failed"
	exit 1
fi

TMP=$(mktemp -d /tmp/podlife-rt-test.XXXXXX)
chmod 755 "$TMP"
STATE=$TMP/state
RUNPID=
cleanup() {
	[ -n "$RUNPID" ] && kill -KILL "$RUNPID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# manifest NAME [POLICY]: the manifest with @T@ (and @POLICY@) filled in.
manifest() {
	local dir=$TMP/$1
	mkdir -p "$dir"
	sed -e "s|@T@|$dir|g" -e "s|@POLICY@|${2:-Never}|g" "$PODS/$1.yaml" >"$dir/pod.yaml"
	echo "$dir"
}

# run SECONDS DIR [ARGS...]: podlife run in the foreground; output in DIR/out, status in RC.
run() {
	local secs=$1 dir=$2
	shift 2
	timeout -s KILL "$secs" "$PODLIFE" run --runtime process --state-dir "$STATE" -o json \
		"$@" "$dir/pod.yaml" >"$dir/out" 2>"$dir/err"
	RC=$?
}

# start DIR [ARGS...]: podlife run in the background (RUNPID).
start() {
	local dir=$1
	shift
	"$PODLIFE" run --runtime process --state-dir "$STATE" -o json "$@" "$dir/pod.yaml" \
		>"$dir/out" 2>"$dir/err" &
	RUNPID=$!
}

# wait_for SECONDS COMMAND...: polls until COMMAND succeeds.
wait_for() {
	local end=$(($(date +%s) + $1))
	shift
	while ! "$@" 2>/dev/null; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# finish SECONDS: waits for the background run; its status in RC.
finish() {
	local end=$(($(date +%s) + $1))
	while kill -0 "$RUNPID" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$end" ]; then
			kill -KILL "$RUNPID" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	wait "$RUNPID"
	RC=$?
	RUNPID=
}

# check DIR NAME PYTHON-EXPR: the expression over rows, events and final
# (from DIR/out) must be true.
check() {
	local dir=$1 name=$2 expr=$3
	if "$PY" - "$dir/out" "$expr" <<'EOF'; then ok "$name"; else bad "$name"; sed 's/^/      | /' "$dir/err" | tail -n 5; fi
import json, sys
rows, events, final = [], [], None
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "final" in o: final = o["final"]
    elif "event" in o: events.append(dict(o["event"], t=o["t"]))
    else: rows.append(o)
statuses = [r["status"] for r in rows]
ready = [r["ready"] for r in rows]
def started(c): return [e["t"] for e in events if e["reason"] == "Started" and e["container"] == c]
def reasons(): return [e["reason"] for e in events]
def before(seq, *items):
    i = 0
    for s in seq:
        if i < len(items) and s == items[i]: i += 1
    return i == len(items)
def cstatus(name):
    for k in ("initContainerStatuses", "containerStatuses"):
        for c in (final or {}).get(k, []):
            if c["name"] == name: return c
    return {}
ok = eval(sys.argv[2])
if not ok:
    print("      expression false:", sys.argv[2])
    print("      statuses:", statuses[:12], "ready:", ready[:12])
    print("      events:", [(e["t"], e["reason"], e["container"]) for e in events if e["reason"] != "Unhealthy"][:16])
sys.exit(0 if ok else 1)
EOF
}

# 1. two init containers in order, then the app
d=$(manifest init-order)
run 30 "$d"
[ "$RC" -eq 0 ] && ok "init-order: exit status 0" || bad "init-order: exit status 0" "got $RC"
check "$d" "init-order: Init:0/2, Init:1/2, Running, Completed rows" \
	'before(statuses, "Init:0/2", "Init:1/2", "Running", "Completed") and final["phase"] == "Succeeded"'
check "$d" "init-order: first, second, app started in turn" \
	'started("first")[0] <= started("second")[0] <= started("app")[0] and open(sys.argv[1].rsplit("/", 1)[0] + "/order").read().split() == ["first", "second", "app"]'

# 2. an emptyDir written by an init container, read by the app (mounts need root)
if [ "$(id -u)" -eq 0 ]; then
	d=$(manifest emptydir)
	run 30 "$d"
	[ "$RC" -eq 0 ] && ok "emptydir: the app read what the init container wrote" ||
		bad "emptydir: the app read what the init container wrote" "exit status $RC"
	check "$d" "emptydir: reader exited 0" 'cstatus("reader")["state"]["terminated"]["exitCode"] == 0'
	[ -z "$(ls -A "$d/shared" 2>/dev/null)" ] && ok "emptydir: mounted, nothing written to the host directory" ||
		bad "emptydir: mounted, nothing written to the host directory"
else
	echo "  skip  emptydir (needs root for mount namespaces)"
fi

# 3. a failing init container crash-looping with growing back-off: restarted
# at once, then after 0.5 s, 1 s, 2 s
d=$(manifest crashloop OnFailure)
start "$d" --crashloop-initial 500ms --crashloop-max 4s
attempts() { [ -f "$d/attempts" ] && [ "$(wc -l <"$d/attempts")" -ge "$1" ]; }
wait_for 20 attempts 5
kill -INT "$RUNPID" 2>/dev/null
finish 20
[ "$RC" -eq 3 ] && ok "crashloop: interrupted, exit status 3" || bad "crashloop: interrupted, exit status 3" "got $RC"
check "$d" "crashloop: BackOff, Init:CrashLoopBackOff, restarts counted" \
	'"BackOff" in reasons() and "Init:CrashLoopBackOff" in statuses and max(r["restarts"] for r in rows) >= 3'
check "$d" "crashloop: the back-off grows (gaps between starts)" \
	'(lambda s: len(s) >= 3 and s[0] >= 0.45 and s[1] > 1.6 * s[0] and s[2] > 1.6 * s[1])((lambda t: [b - a for a, b in zip(t[1:], t[2:])])(started("failing")))'
check "$d" "crashloop: the app never started" 'started("app") == []'

# 3b. the same under restartPolicy Never: Failed, exit status 1
d=$(manifest crashloop Never)
run 30 "$d"
[ "$RC" -eq 1 ] && ok "crashloop Never: exit status 1" || bad "crashloop Never: exit status 1" "got $RC"
check "$d" "crashloop Never: Failed after one attempt, exit code 3" \
	'final["phase"] == "Failed" and len(started("failing")) == 1 and cstatus("failing")["state"]["terminated"]["exitCode"] == 3'

# 4. liveness (exec probe) restarting a container
d=$(manifest liveness)
start "$d" --crashloop-initial 200ms
wait_for 30 grep -q '"restarts": 2' "$d/out"
kill -INT "$RUNPID" 2>/dev/null
finish 20
check "$d" "liveness: Unhealthy, Killing for the failed liveness probe, restarted twice" \
	'any(e["reason"] == "Killing" and "failed liveness probe" in e["message"] for e in events) and "Unhealthy" in reasons() and len(started("app")) >= 3 and max(r["restarts"] for r in rows) >= 2'
[ "$RC" -eq 3 ] && ok "liveness: interrupted, exit status 3" || bad "liveness: interrupted, exit status 3" "got $RC"

# 5. readiness flipping READY
d=$(manifest readiness)
run 30 "$d"
[ "$RC" -eq 0 ] && ok "readiness: exit status 0" || bad "readiness: exit status 0" "got $RC"
check "$d" "readiness: READY 1/1, 0/1, 1/1 while Running" \
	'before([r["ready"] for r in rows if r["status"] == "Running"], "1/1", "0/1", "1/1") and "Unhealthy" in reasons()'

# 6 + 7. postStart and preStop; SIGINT with a container that ignores SIGTERM
d=$(manifest interrupt)
start "$d"
wait_for 15 grep -q '"status": "Running"' "$d/out"
wait_for 5 test -s "$d/poststart"
sleep 0.3
t0=$(date +%s%N)
kill -INT "$RUNPID" 2>/dev/null
finish 20
t1=$(date +%s%N)
[ "$RC" -eq 3 ] && ok "interrupt: exit status 3" || bad "interrupt: exit status 3" "got $RC"
[ "$(cat "$d/poststart" 2>/dev/null)" = started ] && ok "interrupt: the postStart hook ran" || bad "interrupt: the postStart hook ran"
[ "$(cat "$d/prestop" 2>/dev/null)" = stopping ] && ok "interrupt: the preStop hook ran" || bad "interrupt: the preStop hook ran"
check "$d" "interrupt: killed after the grace period, exit code 137, Terminating row" \
	'cstatus("app")["state"]["terminated"]["exitCode"] == 137 and "Terminating" in statuses and any(e["reason"] == "Killing" for e in events)'
ms=$(((t1 - t0) / 1000000))
[ "$ms" -ge 1900 ] && [ "$ms" -lt 8000 ] && ok "interrupt: ended after the 2 s grace period (${ms} ms)" ||
	bad "interrupt: ended after the 2 s grace period" "${ms} ms"
if pgrep -f "sleep 1000" >/dev/null && pgrep -f "$TMP" >/dev/null; then
	bad "no container process left behind"
else
	ok "no container process left behind"
fi

# usage error
"$PODLIFE" run --runtime nosuch "$d/pod.yaml" >/dev/null 2>&1
[ $? -eq 2 ] && ok "usage error: exit status 2" || bad "usage error: exit status 2"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
