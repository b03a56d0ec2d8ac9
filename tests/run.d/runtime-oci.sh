# tests/run.d/runtime-oci.sh - `podlife run` on the OCI backend, end to
# end, with runc and with crun: images built offline
# (tests/runtime/make-images.sh) and pushed to two docker-registry
# instances on 127.0.0.1, one with Basic auth (tests/runtime/registry.sh);
# the pods of tests/runtime/oci-pods/ run as real containers and the
# checks read `podlife run -o json` (one JSON object per line), the CRI
# logs and the registry's request log.  Besides pulls, probes and Ctrl-C:
# a crash-looping init container (growing back-off; Failed under Never),
# postStart and preStop exec hooks, an OOM kill.  Every run is bounded by
# timeout; the registries are stopped by pid and the containers, cgroups
# and state directories removed on exit.  Needs root.  Prints "N passed,
# N failed" last.
#
#   PODLIFE_BUILD=build tests/run.d/runtime-oci.sh [runc|crun]...
# shellcheck shell=bash
set -u
set -m # background runs get SIGINT as Ctrl-C would send it (not ignored)
cd "${PODLIFE_ROOT:-$(dirname "${BASH_SOURCE[0]}")/../..}" || exit 2
ROOT=$PWD
BUILD=${PODLIFE_BUILD:-build-ci}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
PL=$BUILD/examples/podlife
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
RUNTIMES=("$@")
[ ${#RUNTIMES[@]} -gt 0 ] || RUNTIMES=(runc crun)

SUITE=runtime-oci
# shellcheck source=tests/runtime/checks.sh
. tests/runtime/checks.sh
# shellcheck source=tests/runtime/oci-lib.sh
. tests/runtime/oci-lib.sh

[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$PL" ] || fail "$PL is not built"
"$PL" run --help >/dev/null 2>&1 || "$PL" run --help 2>&1 | grep -qi usage ||
	fail "$PL has no run command"
for t in /usr/bin/docker-registry htpasswd curl tar gzip base64 "$PY" crun runc catatonit; do
	command -v "$t" >/dev/null || fail "missing $t (.ci/run installs it)"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/podlife-oci.XXXXXX") || fail "mktemp"
export REG_DIR=$TMP/registries
BG=

cleanup() {
	if [ -n "$BG" ] && kill -0 "$BG" 2>/dev/null; then
		kill -INT "$BG" 2>/dev/null
		sleep 3
		kill -KILL "$BG" 2>/dev/null
	fi
	# what our runs may have left: containers whose bundle is under TMP,
	# the cgroups of our sandboxes
	oci_delete_ours "$TMP"
	rm_pod_cgroups "$TMP"/state-*/sandboxes/*
	bash tests/runtime/registry.sh stop >/dev/null 2>&1
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r REG_PORT REG_AUTH_PORT < <(free_ports 2)
export REG_PORT REG_AUTH_PORT REG_USER=podlife REG_PASS=podlife-secret
REG=127.0.0.1:$REG_PORT
AUTH_REG=127.0.0.1:$REG_AUTH_PORT
BAD_PASS=wrong-Pa55-$$-xyzzy

registry_up "$TMP" || fail "$REGISTRY_ERR"

dockercfg() { # REGISTRY USER PASS -> base64 of a .dockerconfigjson
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$1" "$(printf '%s:%s' "$2" "$3" | base64 -w0)" |
		base64 -w0
}
mkdir -p "$TMP/pods"
for f in tests/runtime/oci-pods/*.yaml; do
	sed -e "s|@REG@|$REG|g" -e "s|@AUTH_REG@|$AUTH_REG|g" \
		-e "s|@AUTH_CONFIG@|$(dockercfg "$AUTH_REG" "$REG_USER" "$REG_PASS")|g" \
		-e "s|@BAD_CONFIG@|$(dockercfg "$AUTH_REG" "$REG_USER" "$BAD_PASS")|g" \
		"$f" >"$TMP/pods/$(basename "$f")"
done

# The JSON lines of a run: rows {"phase","status","ready","restarts"},
# events {"event": {"type","reason","container","message"}}, "final".
# `q expr FILE PYTHON-EXPR` is true when the expression over them is.
cat >"$TMP/q.py" <<'EOF'
import json, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # grep -q may stop reading
what, path = sys.argv[1], sys.argv[2]
rows, events, final = [], [], None
for line in open(path, errors="replace"):
    line = line.strip()
    if not line.startswith("{"):
        continue
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if "event" in o:
        events.append(dict(o["event"], t=o.get("t", 0)))
    elif "final" in o:
        final = o["final"]
    elif "status" in o:
        rows.append(o)
if what == "status":      # distinct statuses in order
    last = None
    for r in rows:
        if r["status"] != last:
            print(r["status"])
        last = r["status"]
elif what == "ready":
    last = None
    for r in rows:
        if r.get("ready") != last:
            print(r.get("ready"))
        last = r.get("ready")
elif what == "phase":     # the last phase seen
    ph = [r.get("phase") for r in rows if r.get("phase")]
    if final and isinstance(final, dict):
        ph.append(final.get("status", {}).get("phase") or (ph[-1] if ph else ""))
    print(ph[-1] if ph else "")
elif what == "restarts":  # the highest restart count seen
    print(max([int(r.get("restarts") or 0) for r in rows] or [0]))
elif what == "events":    # reason container message
    for e in events:
        print(e.get("reason"), e.get("container"), e.get("message"))
elif what in ("expr", "test", "value"):  # expr and test: exit status; expr says why
    def started(c):       # the times of the container's Started events
        return [e["t"] for e in events if e["reason"] == "Started" and e["container"] == c]
    def has(reason):      # an event with that reason
        return any(e["reason"] == reason for e in events)
    def gaps(ts):
        return [b - a for a, b in zip(ts, ts[1:])]
    def cstatus(name):    # the container's status in the final status
        for k in ("initContainerStatuses", "containerStatuses"):
            for c in (final or {}).get(k, []):
                if c["name"] == name:
                    return c
        return {}
    def terminated(name, which="state"):
        return cstatus(name).get(which, {}).get("terminated", {})
    statuses = [r["status"] for r in rows]
    if what == "value":
        print(eval(sys.argv[3]))
        sys.exit(0)
    ok = eval(sys.argv[3])
    if not ok and what == "expr":
        print("  expression false:", sys.argv[3])
        print("  statuses:", statuses[:16])
        print("  events:", [(e["t"], e["reason"], e["container"]) for e in events][:24])
    sys.exit(0 if ok else 1)
EOF
q() { "$PY" "$TMP/q.py" "$@"; }

# run_fg RT STATE NAME SECS [OPTION...] -> runs pods/NAME.yaml to its end
run_fg() {
	local rt=$1 state=$2 name=$3 secs=$4
	shift 4
	timeout -k 10 "$secs" "$PL" run --runtime "$rt" --state-dir "$state" -o json "$@" \
		"$TMP/pods/$name.yaml" >"$TMP/$rt-$name.out" 2>"$TMP/$rt-$name.err" </dev/null
	echo $? >"$TMP/$rt-$name.rc"
}
# run_bg RT STATE NAME SECS [OPTION...]: started in the background (BG), bounded
run_bg() {
	local rt=$1 state=$2 name=$3 secs=$4
	shift 4
	timeout -k 10 "$secs" "$PL" run --runtime "$rt" --state-dir "$state" -o json "$@" \
		"$TMP/pods/$name.yaml" >"$TMP/$rt-$name.out" 2>"$TMP/$rt-$name.err" </dev/null &
	BG=$!
}
# wait_for SECS CMD...: until CMD succeeds (polling every 0.2 s) or the
# background run ends
wait_for() {
	local secs=$1
	shift
	for _ in $(seq 1 $((secs * 5))); do
		"$@" && return 0
		kill -0 "$BG" 2>/dev/null || { "$@"; return; }
		sleep 0.2
	done
	return 1
}
# ctrl_c: SIGINT to the background run (timeout forwards it) and its
# end; its exit status in BG_RC
ctrl_c() {
	kill -INT "$BG" 2>/dev/null
	for _ in $(seq 1 150); do
		kill -0 "$BG" 2>/dev/null || break
		sleep 0.2
	done
	wait "$BG" 2>/dev/null
	BG_RC=$?
	BG=
}
# known_bug WHAT CMD...: a check failing because of a reported runtime
# bug: its failure prints XFAIL and is not counted; once it passes it
# counts as a failure (XPASS) until the known_bug is taken away.
known_bug() {
	local what=$1
	shift
	if "$@"; then bad "XPASS, remove known_bug: $what"; else echo "XFAIL: $what"; fi
}
has_status() { q status "$1" | grep -qx -- "$2"; }
logged() { log_of "$1" "$2" "$3" | grep -qx -- "$4"; } # STATE POD CONTAINER LINE
prestop_first() { # STATE OUT: app's TERM trap saw preStop's file; app exit 0
	logged "$1" oci-hooks app 'TERM after preStop wrote: prestop' &&
		q expr "$2" 'terminated("app").get("exitCode") == 0 and not has("FailedPreStopHook")'
}
poststart_ran() { # STATE OUT: post's postStart wrote to its log and did not fail
	logged "$1" oci-hooks post 'postStart ran' && ! has_event "$2" '^FailedPostStartHook'
}
has_event() { q events "$1" | grep -q -- "$2"; }
has_ready() { q ready "$1" | grep -qx -- "$2"; } # OUT READY: the pod was READY once
ready_lost() { q ready "$1" | awk '/^2\/2$/ {a = 1} a && /^1\/2$/ {b = 1} END {exit !b}'; } # 2/2, later 1/2
between() { [ "$1" -ge "$2" ] && [ "$1" -lt "$3" ]; } # N LOW HIGH: LOW <= N < HIGH
log_of() { # STATE POD CONTAINER -> the text of its first attempt's log
	cat "$1"/logs/*_"$2"/"$3"/0.log 2>/dev/null | sed -E 's/^[^ ]+ std(out|err) [FP] //'
}
pull_backoff() { # the pull's Failed events in the kubelet's order
	q events "$1" | awk '/^Failed app Failed to pull image .*401 Unauthorized/ {a = NR}
		/^Failed app Error: ErrImagePull$/ && a {b = NR}
		/^Failed app Error: ImagePullBackOff$/ && b {c = NR}
		END {exit !(a && b && c)}'
}
init_order() { # Init:0/2, later Init:1/2, later PodInitializing/Running/Completed
	q status "$1" | awk '/^Init:0\/2$/ {a = NR} /^Init:1\/2$/ && a {b = NR}
		(/^PodInitializing$/ || /^Running$/ || /^Completed$/) && b {c = NR}
		END {exit !(a && b && c)}'
}

for RT in "${RUNTIMES[@]}"; do
	echo "== $RT ($("$RT" --version 2>/dev/null | head -n 1))"
	S=$TMP/state-$RT

	# 1-2. two init containers in order, then the app; emptyDir handoff
	run_fg "$RT" "$S" init-emptydir 90
	f=$TMP/$RT-init-emptydir.out
	check "$RT: init pod ends Succeeded (rc $(cat "$TMP/$RT-init-emptydir.rc"), phase $(q phase "$f"))" \
		[ "$(q phase "$f")" = Succeeded ]
	check "$RT: statuses Init:0/2, Init:1/2, then the app ($(q status "$f" | tr '\n' ' '))" \
		init_order "$f"
	out=$(log_of "$S" oci-init app)
	check "$RT: the app read the init containers' emptyDir in order ('$(tr '\n' ' ' <<<"$out")')" \
		grep -q "order: one two" <<<"$out"
	check "$RT: \$(POD_NAME) expanded and HOSTNAME is the pod name" \
		grep -q "pod: oci-init oci-init" <<<"$out"

	# 3. imagePullSecrets from a Secret in the same stream (Basic auth)
	run_fg "$RT" "$S" pull-secret 90
	f=$TMP/$RT-pull-secret.out
	check "$RT: pull through imagePullSecrets, pod Succeeded (phase $(q phase "$f"))" \
		[ "$(q phase "$f")" = Succeeded ]
	check "$RT: the pulled image ran" grep -q pulled-with-secret <<<"$(log_of "$S" oci-secret app)"

	# 4. wrong credentials: ErrImagePull, then ImagePullBackOff; no password
	run_bg "$RT" "$S" pull-wrong 120
	f=$TMP/$RT-pull-wrong.out
	wait_for 60 has_status "$f" ImagePullBackOff
	ctrl_c
	check "$RT: wrong credentials: 401 Unauthorized, Error: ErrImagePull, then ImagePullBackOff" \
		pull_backoff "$f"
	check "$RT: ... and the pod shows ImagePullBackOff ($(q status "$f" | tr '\n' ' '))" \
		has_status "$f" ImagePullBackOff
	check "$RT: the password appears in no output" \
		sh -c "! grep -rqs -- '$BAD_PASS' '$TMP/$RT-pull-wrong.out' '$TMP/$RT-pull-wrong.err' '$S/logs'"

	# 5. Always with the digest already stored downloads nothing
	run_fg "$RT" "$S" pull-always 90
	gets1=$(grep -c 'method=GET.*/blobs/' "$REG_DIR/registry-noauth/log")
	run_fg "$RT" "$S" pull-always 90
	gets2=$(grep -c 'method=GET.*/blobs/' "$REG_DIR/registry-noauth/log")
	f=$TMP/$RT-pull-always.out
	check "$RT: Always pod Succeeded twice (phase $(q phase "$f"))" [ "$(q phase "$f")" = Succeeded ]
	check "$RT: Always with an unchanged digest downloads no blob ($gets1 -> $gets2 blob GETs)" \
		[ "$gets1" = "$gets2" ]
	check "$RT: ... but asked the registry (Pulled event)" has_event "$f" "^Pulled "

	# 6. Never with the image missing
	run_bg "$RT" "$S" pull-never 60
	f=$TMP/$RT-pull-never.out
	wait_for 20 has_status "$f" ErrImageNeverPull
	ctrl_c
	check "$RT: Never with a missing image gives ErrImageNeverPull ($(q status "$f" | tr '\n' ' '))" \
		has_status "$f" ErrImageNeverPull

	# 7-8. httpGet probes through sockets in the pod's network namespace
	run_bg "$RT" "$S" probes 120
	f=$TMP/$RT-probes.out
	wait_for 40 has_ready "$f" 2/2 && wait_for 40 has_event "$f" "^Killing sick"
	wait_for 20 ready_lost "$f"
	sleep 1
	ctrl_c
	check "$RT: readiness turns web READY (ready: $(q ready "$f" | tr '\n' ' '))" \
		has_ready "$f" 2/2
	check "$RT: ... and not READY again when its endpoint fails" \
		has_event "$f" '^Unhealthy web Readiness probe failed'
	check "$RT: liveness failing (404) kills sick" has_event "$f" "^Killing sick .*failed liveness probe"
	check "$RT: ... and it is restarted (restarts $(q restarts "$f"))" [ "$(q restarts "$f")" -ge 1 ]

	# 9. Ctrl-C with a container ignoring SIGTERM: killed after the grace period (2 s)
	run_bg "$RT" "$S" ignore-term 90
	f=$TMP/$RT-ignore-term.out
	wait_for 30 has_status "$f" Running
	t0=$(date +%s%N)
	ctrl_c
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	check "$RT: Ctrl-C ends the run after the 2 s grace period (${ms} ms)" \
		between "$ms" 1900 15000
	check "$RT: ... by SIGKILL (exit 137 in the final status)" \
		grep -q '"exitCode": *137' "$f"
	check "$RT: ... reported as Error, not OOMKilled" q expr "$f" 'terminated("app").get("reason") == "Error"'

	# 10. a failing init container crash-looping, the back-off doubling
	# from 500 ms: restarted at once, then after 0.5, 1 and 2 s
	run_bg "$RT" "$S" crashloop 60 --crashloop-initial 500ms --crashloop-max 4s
	f=$TMP/$RT-crashloop.out
	wait_for 20 q test "$f" 'len(started("failing")) >= 5'
	ctrl_c
	check "$RT: failing init container: BackOff, Init:CrashLoopBackOff, restarts counted ($(q status "$f" | sort -u | tr '\n' ' '))" \
		q expr "$f" '"Init:CrashLoopBackOff" in statuses and has("BackOff") and max(r["restarts"] for r in rows) >= 4'
	check "$RT: ... the back-off grows (s between starts: $(q value "$f" '[round(g, 2) for g in gaps(started("failing"))]'))" \
		q expr "$f" '(lambda g: len(g) >= 3 and g[0] >= 0.45 and g[1] > 1.3 * g[0] and g[2] > 1.3 * g[1])(gaps(started("failing"))[1:])'
	check "$RT: ... exit code 3 in its last state; the app never started" \
		q expr "$f" 'terminated("failing", "lastState").get("exitCode") == 3 and started("app") == []'
	check "$RT: ... Ctrl-C: exit status 3 ($BG_RC)" [ "$BG_RC" = 3 ]

	# 11. the same under restartPolicy Never: one attempt, the pod Failed
	run_fg "$RT" "$S" crashloop-never 60
	f=$TMP/$RT-crashloop-never.out
	check "$RT: under Never: one attempt, exit code 3, the pod Failed (phase $(q phase "$f"))" \
		q expr "$f" 'final.get("phase") == "Failed" and len(started("failing")) == 1 and terminated("failing").get("exitCode") == 3 and started("app") == []'
	check "$RT: ... podlife run exit status 1 ($(cat "$TMP/$RT-crashloop-never.rc"))" \
		[ "$(cat "$TMP/$RT-crashloop-never.rc")" = 1 ]

	# 12. exec hooks: postStart (the start waits until the runtime has
	# created the container, so the exec finds it); preStop on Ctrl-C,
	# before SIGTERM.
	run_bg "$RT" "$S" hooks 60
	f=$TMP/$RT-hooks.out
	wait_for 20 logged "$S" oci-hooks app running
	wait_for 3 logged "$S" oci-hooks post 'postStart ran'
	sleep 0.5
	ctrl_c
	check "$RT: preStop ran in the container on Ctrl-C ($(log_of "$S" oci-hooks app | tr '\n' ' '))" \
		logged "$S" oci-hooks app 'preStop ran'
	check "$RT: ... before SIGTERM (app's TERM trap read preStop's file), app exit code 0" \
		prestop_first "$S" "$f"
	check "$RT: postStart ran in the container, no FailedPostStartHook (post's log: '$(log_of "$S" oci-hooks post |
		tr '\n' ' ')'$(q events "$f" | sed -n 's/^FailedPostStartHook .*failed - error: \(.\{0,100\}\).*/; \1/p' |
		head -n 1))" \
		poststart_ran "$S" "$f"

	# 13. over its memory limit: OOMKilled
	run_fg "$RT" "$S" oom 60
	f=$TMP/$RT-oom.out
	check "$RT: a container over its 16Mi limit: OOMKilled, exit code 137 ($(q status "$f" | tr '\n' ' '))" \
		q expr "$f" 'terminated("hog").get("reason") == "OOMKilled" and terminated("hog").get("exitCode") == 137 and "OOMKilled" in statuses'
	check "$RT: ... after it ran (its log)" grep -qx allocating <<<"$(log_of "$S" oci-oom hog)"

	# cleanup: nothing of ours is left in the runtime or the cgroups
	check "$RT: no container and no pod cgroup left" oci_no_leftovers "$RT" "$TMP"
done

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
